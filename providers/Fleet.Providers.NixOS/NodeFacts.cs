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
                Path(root, "currentSystem"),
                Path(root, "profileSystem"),
                root.TryGetProperty("generation", out var g) && g.ValueKind == JsonValueKind.Number ? g.GetInt32() : null);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A store path the agent reports; it writes "none" (or nothing) for no system.</summary>
    private static string? Path(JsonElement obj, string name) =>
        Fleet.Protocol.JsonFields.String(obj, name) is { Length: > 0 } path && path != "none" ? path : null;
}
