using System.Text.Json;
using Fleet.Protocol;

namespace Fleet.Providers.NixOS;

/// <summary>
/// The outputs of a nixos.system resource. What runs now: `systemPath` (null while nothing runs),
/// `activatedAt`, `previousSystem` (what ran before it) and `health` (of its activation). What
/// boots next: `bootSystem` (the system profile's system) and `generation` (the profile's).
/// </summary>
public sealed record SystemOutputs(
    string? SystemPath,
    int? Generation,
    string? PreviousSystem,
    string? ActivatedAt,
    string Health,
    string? AgentPath,
    string? BootSystem)
{
    /// <summary>Outputs recorded before; fields that are missing read as null.</summary>
    public static SystemOutputs? From(JsonElement? outputs)
    {
        if (outputs is not { ValueKind: JsonValueKind.Object } o)
        {
            return null;
        }

        return new SystemOutputs(
            JsonFields.String(o, "systemPath"),
            o.TryGetProperty("generation", out var g) && g.ValueKind == JsonValueKind.Number ? g.GetInt32() : null,
            JsonFields.String(o, "previousSystem"),
            JsonFields.String(o, "activatedAt"),
            JsonFields.String(o, "health") ?? "unknown",
            JsonFields.String(o, "agentPath"),
            JsonFields.String(o, "bootSystem"));
    }

    /// <summary>These outputs with what the node says it runs and boots.</summary>
    public SystemOutputs With(NodeFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return this with { SystemPath = facts.CurrentSystem, Generation = facts.Generation, BootSystem = facts.ProfileSystem };
    }

    public JsonElement ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("systemPath", SystemPath);
            if (Generation is { } g)
            {
                w.WriteNumber("generation", g);
            }
            else
            {
                w.WriteNull("generation");
            }

            w.WriteString("previousSystem", PreviousSystem);
            w.WriteString("activatedAt", ActivatedAt);
            w.WriteString("health", Health);
            w.WriteString("agentPath", AgentPath);
            w.WriteString("bootSystem", BootSystem);
            w.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }
}
