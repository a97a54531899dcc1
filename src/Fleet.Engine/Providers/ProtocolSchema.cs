using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Fleet.Engine.Providers;

/// <summary>
/// schemas/provider-protocol.schema.json, ready to check whole messages (its root) and each
/// method's params and results (its $defs, e.g. "planResult"). Each piece is built once, with
/// its own registry, because JsonSchema.Net refuses to register the same $id twice.
/// </summary>
public sealed class ProtocolSchema
{
    private static readonly ConcurrentDictionary<string, ProtocolSchema> s_loaded = new(StringComparer.Ordinal);
    private readonly JsonObject _document;
    private readonly ConcurrentDictionary<string, JsonSchema> _parts = new(StringComparer.Ordinal);

    private ProtocolSchema(JsonObject document)
    {
        _document = document;
    }

    public static ProtocolSchema Load(string path) =>
        s_loaded.GetOrAdd(Path.GetFullPath(path), p => new ProtocolSchema(
            JsonNode.Parse(File.ReadAllText(p)) as JsonObject ?? throw new InvalidDataException($"{p} is not a JSON object")));

    public bool HasDefinition(string name) => _document["$defs"] is JsonObject defs && defs.ContainsKey(name);

    /// <summary>Problems of one message against the envelope (the schema's root).</summary>
    public IReadOnlyList<string> CheckMessage(JsonElement message) => Check(Part(""), message);

    /// <summary>Problems of a value against one definition, e.g. "planParams".</summary>
    public IReadOnlyList<string> CheckDefinition(string definition, JsonElement value) => Check(Part(definition), value);

    /// <summary>Problems of a value against any JSON Schema (a provider's input or output schema).</summary>
    public static IReadOnlyList<string> Check(JsonSchema schema, JsonElement value)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var results = schema.Evaluate(value, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return [];
        }

        var problems = (results.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{Location(d.InstanceLocation.ToString())}: {e.Value}"))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (problems.Count == 0 && results.Errors is { Count: > 0 } top)
        {
            problems.AddRange(top.Select(e => $"{Location("")}: {e.Value}"));
        }

        return problems.Count == 0 ? ["does not match the schema"] : problems;
    }

    /// <summary>Builds a schema from JSON text in a registry of its own (so $ids never collide).</summary>
    public static JsonSchema Build(JsonElement schema) =>
        JsonSchema.Build(schema, new BuildOptions { SchemaRegistry = new SchemaRegistry() }, new Uri($"urn:fleet:schema:{Guid.NewGuid():N}"));

    private JsonSchema Part(string definition) => _parts.GetOrAdd(definition, name =>
    {
        var copy = (JsonObject)_document.DeepClone();
        copy.Remove("$id");
        if (name.Length > 0)
        {
            if (!HasDefinition(name))
            {
                throw new ArgumentException($"provider-protocol.schema.json has no definition `{name}`", nameof(definition));
            }

            copy.Remove("oneOf");
            copy["$ref"] = "#/$defs/" + name;
        }

        using var text = JsonDocument.Parse(copy.ToJsonString());
        return Build(text.RootElement.Clone());
    });

    private static string Location(string pointer) => pointer.Length == 0 ? "(the value)" : pointer;
}
