using System.Collections.Immutable;
using System.Text.Json;
using Fleet.Engine.Errors;
using Fleet.Protocol;

namespace Fleet.Engine.Planning;

/// <summary>The plan as JSON: what `fleet plan --json` prints and what `-o FILE` saves.</summary>
internal static class PlanJson
{
    /// <param name="header">Writes the first properties (a saved plan's MAC), before the plan's own.</param>
    public static void Write(Utf8JsonWriter w, Plan plan, Action<Utf8JsonWriter>? header = null)
    {
        w.WriteStartObject();
        header?.Invoke(w);
        w.WriteNumber("formatVersion", Plan.FormatVersion);
        w.WriteString("fleet", plan.Fleet);
        w.WriteNumber("stateSerial", plan.StateSerial);
        w.WriteString("graphDigest", plan.GraphDigest);
        w.WriteStartObject("scope");
        WriteStrings(w, "on", plan.Scope.On.Terms);
        WriteStrings(w, "targets", plan.Scope.Targets);
        w.WriteBoolean("refresh", plan.Refreshed);
        w.WriteEndObject();
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
            if (c.System is { } system)
            {
                w.WritePropertyName("system");
                JsonSerializer.Serialize(w, system, ProtocolJsonContext.Default.SystemChange);
            }

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

    /// <summary>
    /// A plan file's bytes as a plan, without the saved-plan MAC check of <see cref="SavedPlan.Read"/>:
    /// anything that is not a plan this fleet wrote is a <see cref="FleetException"/> (tests/Fleet.Fuzz
    /// fuzzes this).
    /// </summary>
    public static Plan Parse(ReadOnlyMemory<byte> json, string path)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return Read(document.RootElement, path);
        }
        catch (JsonException e)
        {
            throw new FleetException($"cannot read plan file {path}: {e.Message}", e);
        }
    }

    /// <summary>Reads a plan written by <see cref="Write"/>; <paramref name="path"/> names it in errors.</summary>
    public static Plan Read(JsonElement root, string path)
    {
        try
        {
            if (root.GetProperty("formatVersion").GetInt32() != Plan.FormatVersion)
            {
                throw new FleetException($"plan file {path} has format version {root.GetProperty("formatVersion")}; this fleet reads {Plan.FormatVersion}: run `fleet plan -o {path}` again");
            }

            var changes = root.GetProperty("changes").EnumerateArray().Select(c => new PlannedChange(
                Text(c, "id"),
                Text(c, "type"),
                c.GetProperty("node").ValueKind == JsonValueKind.String ? c.GetProperty("node").GetString() : null,
                Action(Text(c, "action")),
                Strings(c.GetProperty("changedFields")),
                Strings(c.GetProperty("unknownOutputs")),
                Optional(c, "priorInputs"),
                Optional(c, "desiredInputs"),
                c.GetProperty("reason").ValueKind == JsonValueKind.String ? c.GetProperty("reason").GetString() : null)
            {
                System = c.TryGetProperty("system", out var system) && system.ValueKind == JsonValueKind.Object
                    ? system.Deserialize(ProtocolJsonContext.Default.SystemChange) is { IsWellFormed: true } read ? read
                        : throw new FormatException($"the system of change {Text(c, "id")} is incomplete")
                    : null,
            }).ToImmutableArray();
            var waitsFor = root.GetProperty("changes").EnumerateArray().ToImmutableSortedDictionary(
                c => Text(c, "id"), c => Strings(c.GetProperty("after")), StringComparer.Ordinal);
            var scope = root.GetProperty("scope");
            return new Plan(
                Text(root, "fleet"),
                root.GetProperty("stateSerial").GetInt64(),
                Text(root, "graphDigest"),
                changes,
                waitsFor)
            {
                Scope = new PlanScope(new Graph.NodeSelector(Strings(scope.GetProperty("on"))), Strings(scope.GetProperty("targets"))),
                Refreshed = scope.GetProperty("refresh").GetBoolean(),
                Failures = root.GetProperty("failures").EnumerateObject().ToImmutableSortedDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal),
                Skipped = Strings(root.GetProperty("skipped")),
            };
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or ArgumentException or FormatException or JsonException)
        {
            throw new FleetException($"cannot read plan file {path}: {e.Message}", e);
        }
    }

    public static string Name(PlanAction action) => action.ToString().ToLowerInvariant();

    private static ImmutableArray<string> Strings(JsonElement array) =>
        [.. array.EnumerateArray().Select(e => e.GetString() ?? throw new InvalidOperationException("a list of names holds a null"))];

    /// <summary>A field that must be a string (GetString alone lets a JSON null through as a null string).</summary>
    private static string Text(JsonElement parent, string name) =>
        parent.GetProperty(name).GetString() ?? throw new InvalidOperationException($"\"{name}\" is null");

    /// <summary>An action by its name only (Enum.Parse also takes numbers, such as an undefined "5").</summary>
    private static PlanAction Action(string name) =>
        Enum.GetValues<PlanAction>().Where(a => string.Equals(Name(a), name, StringComparison.OrdinalIgnoreCase)).Select(a => (PlanAction?)a).FirstOrDefault()
            ?? throw new InvalidOperationException($"no action \"{name}\"");

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
