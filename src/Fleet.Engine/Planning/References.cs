using System.Text.Json;
using System.Text.Json.Nodes;
using Fleet.Engine.Errors;

namespace Fleet.Engine.Planning;

/// <summary>
/// Replaces `{"$ref": id, "output": name}` inside inputs with the referenced resource's output
/// (or, without `output`, with all its outputs as an object), where it is known. Unknown ones (the resource is changed in this run) stay as they are.
/// </summary>
public static class References
{
    /// <summary>Resolves what it can; `complete` is false when a reference stayed unresolved.</summary>
    public static JsonElement Resolve(string resourceId, JsonElement inputs, Func<string, JsonElement?> outputsOf, out bool complete)
    {
        var node = JsonNode.Parse(inputs.GetRawText());
        var allKnown = true;
        var resolved = Walk(node);
        complete = allKnown;
        return JsonSerializer.SerializeToElement(resolved, EngineJsonContext.Default.JsonNode);

        JsonNode? Walk(JsonNode? current)
        {
            switch (current)
            {
                case JsonObject obj when obj.TryGetPropertyValue("$ref", out var target) && target is JsonValue:
                    var id = target.GetValue<string>();
                    var output = obj["output"]?.GetValue<string>();
                    if (outputsOf(id) is not { } outputs)
                    {
                        allKnown = false;
                        return obj.DeepClone();
                    }

                    if (output is null)
                    {
                        // {"$ref": id} without `output`: every output of that resource, as an object.
                        return JsonNode.Parse(outputs.GetRawText());
                    }

                    if (outputs.ValueKind != JsonValueKind.Object || !outputs.TryGetProperty(output, out var value))
                    {
                        throw new ResourceGraphException([$"resource {resourceId}: refers to output `{output}` of `{id}`, which has no such output"]);
                    }

                    return JsonNode.Parse(value.GetRawText());
                case JsonObject obj:
                    var copy = new JsonObject();
                    foreach (var (name, child) in obj)
                    {
                        copy[name] = Walk(child);
                    }

                    return copy;
                case JsonArray array:
                    var items = new JsonArray();
                    foreach (var child in array)
                    {
                        items.Add(Walk(child));
                    }

                    return items;
                default:
                    return current?.DeepClone();
            }
        }
    }

    /// <summary>Top-level input fields that still hold an unresolved reference somewhere inside.</summary>
    public static IEnumerable<string> UnresolvedFields(JsonElement inputs) =>
        inputs.ValueKind == JsonValueKind.Object
            ? inputs.EnumerateObject().Where(p => ContainsReference(p.Value)).Select(p => p.Name)
            : [];

    private static bool ContainsReference(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => e.TryGetProperty("$ref", out _) || e.EnumerateObject().Any(p => ContainsReference(p.Value)),
        JsonValueKind.Array => e.EnumerateArray().Any(ContainsReference),
        _ => false,
    };
}
