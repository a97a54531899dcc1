using System.Collections.Immutable;
using System.Text.Json;
using Fleet.Engine.Errors;
using Fleet.Protocol;

namespace Fleet.Engine.Planning;

/// <summary>The plan as JSON: what `fleet plan --json` prints and what `-o FILE` saves.</summary>
internal static class PlanJson
{
    public static void Write(Utf8JsonWriter w, Plan plan)
    {
        w.WriteStartObject();
        w.WriteNumber("formatVersion", Plan.FormatVersion);
        w.WriteString("fleet", plan.Fleet);
        w.WriteNumber("stateSerial", plan.StateSerial);
        w.WriteString("graphDigest", plan.GraphDigest);
        w.WriteStartObject("summary");
        foreach (var action in Enum.GetValues<PlanAction>())
        {
            w.WriteNumber(Name(action), plan.Count(action));
        }

        w.WriteEndObject();
        w.WriteStartArray("changes");
        foreach (var c in plan.Changes)
        {
            w.WriteStartObject();
            w.WriteString("id", c.Id);
            w.WriteString("type", c.Type);
            w.WriteString("node", c.Node);
            w.WriteString("action", Name(c.Action));
            WriteStrings(w, "changedFields", c.ChangedFields);
            WriteStrings(w, "unknownOutputs", c.UnknownOutputs);
            WriteOptional(w, "priorInputs", c.PriorInputs);
            WriteOptional(w, "desiredInputs", c.DesiredInputs);
            w.WriteString("reason", c.Reason);
            WriteStrings(w, "after", plan.WaitsFor.GetValueOrDefault(c.Id, []));
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartObject("failures");
        foreach (var (id, message) in plan.Failures)
        {
            w.WriteString(id, message);
        }

        w.WriteEndObject();
        WriteStrings(w, "skipped", plan.Skipped);
        w.WriteEndObject();
    }

    public static Plan Read(string path)
    {
        byte[] json;
        try
        {
            json = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FleetException($"cannot read plan file {path}: {e.Message}", e);
        }

        return Parse(json, path);
    }

    /// <summary>
    /// A plan file's bytes as a plan; <paramref name="path"/> only names the file in messages. Anything
    /// that is not a plan this fleet wrote is a <see cref="FleetException"/> (tests/Fleet.Fuzz fuzzes this).
    /// </summary>
    public static Plan Parse(ReadOnlyMemory<byte> json, string path)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.GetProperty("formatVersion").GetInt32() != Plan.FormatVersion)
            {
                throw new FleetException($"plan file {path} has format version {root.GetProperty("formatVersion")}; this fleet reads {Plan.FormatVersion}");
            }

            var changes = root.GetProperty("changes").EnumerateArray().Select(c => new PlannedChange(
                c.GetProperty("id").GetString()!,
                c.GetProperty("type").GetString()!,
                c.GetProperty("node").ValueKind == JsonValueKind.String ? c.GetProperty("node").GetString() : null,
                Enum.Parse<PlanAction>(c.GetProperty("action").GetString()!, ignoreCase: true),
                Strings(c.GetProperty("changedFields")),
                Strings(c.GetProperty("unknownOutputs")),
                Optional(c, "priorInputs"),
                Optional(c, "desiredInputs"),
                c.GetProperty("reason").ValueKind == JsonValueKind.String ? c.GetProperty("reason").GetString() : null)).ToImmutableArray();
            var waitsFor = root.GetProperty("changes").EnumerateArray().ToImmutableSortedDictionary(
                c => c.GetProperty("id").GetString()!, c => Strings(c.GetProperty("after")), StringComparer.Ordinal);
            return new Plan(
                root.GetProperty("fleet").GetString()!,
                root.GetProperty("stateSerial").GetInt64(),
                root.GetProperty("graphDigest").GetString()!,
                changes,
                waitsFor);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            throw new FleetException($"cannot read plan file {path}: {e.Message}", e);
        }
    }

    public static string Name(PlanAction action) => action.ToString().ToLowerInvariant();

    private static ImmutableArray<string> Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    private static JsonElement? Optional(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.Clone() : null;

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }

    private static void WriteOptional(Utf8JsonWriter w, string name, JsonElement? value)
    {
        if (value is { } v)
        {
            w.WritePropertyName(name);
            v.WriteTo(w);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
