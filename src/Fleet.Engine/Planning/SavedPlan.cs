using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Fleet.Engine.Errors;
using Fleet.State;

namespace Fleet.Engine.Planning;

/// <summary>
/// A plan saved to a file (`fleet plan -o FILE`) for `fleet apply FILE`. The file is the plan's
/// JSON whose first property, "mac", is an HMAC-SHA256 of the whole file (with the MAC's own 64
/// digits read as zeros) under a key derived from the state's key, then "stateKey", the state's
/// public key id. An edited byte anywhere, a removed MAC or a plan made against another state is
/// refused before anything runs. The plan holds sensitive inputs only as their keyed hashes, so
/// the file holds no secret; the state's key never leaves the state.
/// </summary>
public static class SavedPlan
{
    private const string Purpose = "saved-plan";
    private const string MacPrefix = "hmac-sha256:";
    private const int MacDigits = 64;
    private static readonly string s_placeholder = MacPrefix + new string('0', MacDigits);

    /// <summary>The plan as a file's bytes, authenticated with <paramref name="state"/>'s key.</summary>
    public static byte[] Serialize(Plan plan, StateStore state)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(state);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            PlanJson.Write(writer, plan, w =>
            {
                w.WriteString("mac", s_placeholder);
                w.WriteString("stateKey", state.Sensitive.KeyId);
            });
        }

        buffer.WriteByte((byte)'\n');
        var bytes = buffer.ToArray();
        var digits = bytes.AsSpan().IndexOf(Encoding.ASCII.GetBytes(s_placeholder)) + MacPrefix.Length;
        var mac = Convert.ToHexStringLower(state.Sensitive.Authenticate(Purpose, bytes));
        Encoding.ASCII.GetBytes(mac).CopyTo(bytes, digits);
        return bytes;
    }

    /// <summary>Reads a saved plan, refusing it (exit 2) unless its MAC proves it is as this state's fleet saved it.</summary>
    public static Plan Read(string path, StateStore state)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(state);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FleetException($"cannot read plan file {path}: {e.Message}", e);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw Refused(path, $"it is not a plan file: not valid JSON ({e.Message})");
        }

        using (document)
        {
            var root = document.RootElement;
            var first = root.ValueKind == JsonValueKind.Object ? root.EnumerateObject().FirstOrDefault() : default;
            if (first.Value.ValueKind != JsonValueKind.String || first.Name != "mac")
            {
                throw Refused(path, "it carries no MAC (its first field must be \"mac\"): it was not saved by `fleet plan -o`, or was edited");
            }

            var mac = first.Value.GetString()!;
            var digits = bytes.AsSpan().IndexOf(Encoding.ASCII.GetBytes(mac)) + MacPrefix.Length;
            if (!mac.StartsWith(MacPrefix, StringComparison.Ordinal) || mac.Length != s_placeholder.Length || digits < MacPrefix.Length
                || !mac[MacPrefix.Length..].All(char.IsAsciiHexDigit))
            {
                throw Refused(path, "its MAC is malformed");
            }

            if (state.IsEphemeral)
            {
                throw Refused(path, $"there is no state at {state.Path}, so it was made against another state");
            }

            if (!root.TryGetProperty("stateKey", out var keyId) || keyId.ValueKind != JsonValueKind.String)
            {
                throw Refused(path, "it names no state key (\"stateKey\")");
            }

            if (keyId.GetString() != state.Sensitive.KeyId)
            {
                throw Refused(path, $"it was made against another state (state key {keyId.GetString()}; the state {state.Path} has key {state.Sensitive.KeyId})");
            }

            var content = bytes.ToArray();
            Encoding.ASCII.GetBytes(new string('0', MacDigits)).CopyTo(content, digits);
            if (!state.Sensitive.IsAuthentic(Purpose, content, Convert.FromHexString(mac.AsSpan(MacPrefix.Length))))
            {
                throw Refused(path, "it was changed after `fleet plan` saved it: its MAC does not match its content");
            }

            return PlanJson.Read(root, path);
        }
    }

    /// <summary>
    /// What a fresh plan would do differently from the saved one, resource by resource: its
    /// action, its changed fields, its desired inputs (sensitive ones as their hashes), its
    /// order, or whether it can be planned at all. Empty when they agree.
    /// </summary>
    public static ImmutableArray<string> Differences(Plan saved, Plan fresh)
    {
        ArgumentNullException.ThrowIfNull(saved);
        ArgumentNullException.ThrowIfNull(fresh);
        var before = saved.Changes.ToDictionary(c => c.Id, StringComparer.Ordinal);
        var now = fresh.Changes.ToDictionary(c => c.Id, StringComparer.Ordinal);
        var ids = before.Keys.Union(now.Keys).Union(saved.Failures.Keys).Union(fresh.Failures.Keys).Order(StringComparer.Ordinal);
        var differences = ImmutableArray.CreateBuilder<string>();
        foreach (var id in ids)
        {
            var was = before.GetValueOrDefault(id);
            var @is = now.GetValueOrDefault(id);
            if (saved.Failures.ContainsKey(id) != fresh.Failures.ContainsKey(id))
            {
                differences.Add(fresh.Failures.TryGetValue(id, out var why)
                    ? $"{id}: cannot be planned now ({why})"
                    : $"{id}: could not be planned when the plan was made, and can now");
            }
            else if (was is null || @is is null)
            {
                differences.Add(was is null
                    ? $"{id}: not in the plan, planned now ({PlanJson.Name(@is!.Action)})"
                    : $"{id}: in the plan ({PlanJson.Name(was.Action)}), not planned now");
            }
            else if (Describe(was, @is, saved, fresh) is { } difference)
            {
                differences.Add($"{id}: {difference}");
            }
        }

        return differences.ToImmutable();
    }

    private static string? Describe(PlannedChange was, PlannedChange @is, Plan saved, Plan fresh)
    {
        if (was.Action != @is.Action)
        {
            return $"{PlanJson.Name(was.Action)} in the plan, {PlanJson.Name(@is.Action)} now";
        }

        if (was.Type != @is.Type || was.Node != @is.Node)
        {
            return $"type or node differ ({was.Type} on {was.Node ?? "-"} in the plan, {@is.Type} on {@is.Node ?? "-"} now)";
        }

        var inputs = InputsThatDiffer(was.DesiredInputs, @is.DesiredInputs);
        if (!inputs.IsEmpty)
        {
            return $"desired inputs differ ({string.Join(", ", inputs)})";
        }

        if (!was.ChangedFields.SequenceEqual(@is.ChangedFields) || !was.UnknownOutputs.SequenceEqual(@is.UnknownOutputs))
        {
            return $"changes differ (fields {string.Join(", ", was.ChangedFields)} in the plan, {string.Join(", ", @is.ChangedFields)} now)";
        }

        var after = saved.WaitsFor.GetValueOrDefault(was.Id, []);
        var afterNow = fresh.WaitsFor.GetValueOrDefault(@is.Id, []);
        return after.Order(StringComparer.Ordinal).SequenceEqual(afterNow.Order(StringComparer.Ordinal))
            ? null
            : $"waits for {Join(after)} in the plan, for {Join(afterNow)} now";
    }

    private static ImmutableArray<string> InputsThatDiffer(JsonElement? was, JsonElement? @is)
    {
        if (was is not { } a || @is is not { } b)
        {
            return was is null && @is is null ? [] : ["inputs"];
        }

        if (a.ValueKind != JsonValueKind.Object || b.ValueKind != JsonValueKind.Object)
        {
            return JsonElement.DeepEquals(a, b) ? [] : ["inputs"];
        }

        var names = a.EnumerateObject().Select(p => p.Name).Union(b.EnumerateObject().Select(p => p.Name)).Order(StringComparer.Ordinal);
        return [.. names.Where(n => !(a.TryGetProperty(n, out var x) && b.TryGetProperty(n, out var y) && JsonElement.DeepEquals(x, y)))];
    }

    private static string Join(ImmutableArray<string> ids) => ids.IsEmpty ? "nothing" : string.Join(", ", ids);

    private static FleetException Refused(string path, string why) =>
        new($"refusing the saved plan {path}: {why}. Nothing was applied; make a new plan with `fleet plan -o {path}` and review it.");
}
