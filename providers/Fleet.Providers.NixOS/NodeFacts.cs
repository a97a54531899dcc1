using System.Text.Json;

namespace Fleet.Providers.NixOS;

/// <summary>What a node really runs, read in one SSH round trip.</summary>
public sealed record NodeFacts(string? CurrentSystem, string? ProfileSystem, int? Generation)
{
    /// <summary>The facts in `fleet-agent status --json` output; null when it is not such a report.</summary>
    public static NodeFacts? FromAgentStatus(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("currentSystem", out _))
            {
                return null;
            }

            return new NodeFacts(
                String(root, "currentSystem"),
                String(root, "profileSystem"),
                root.TryGetProperty("generation", out var g) && g.ValueKind == JsonValueKind.Number ? g.GetInt32() : null);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? String(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s && s != "none" ? s : null;
}
