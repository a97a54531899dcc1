using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Fleet.Nodes;
using Fleet.Protocol;

namespace Fleet.Providers.NixOS;

/// <summary>The inputs of a nixos.system resource, as nix-modules/fleet/module.nix emits them.</summary>
public sealed record SystemInputs(
    string DrvPath,
    SshTarget Target,
    string Goal,
    bool BuildOnTarget,
    bool SubstituteOnDestination,
    bool Reboot,
    bool RollbackOnHealthFailure,
    bool MagicRollback,
    int ConfirmTimeout,
    JsonElement HealthChecks,
    string? KeepResult = null)
{
    /// <summary>meta.machinesFile: the Nix machines file the deployer's build of this system uses, if any.</summary>
    public string? MachinesFile { get; init; }

    /// <summary>deployment.replaceUnknownProfiles: false refuses a node running a system this deployer does not have.</summary>
    public bool ReplaceUnknownProfiles { get; init; } = true;

    /// <param name="id">The resource's id (`node.NAME`): which node it is, and whether apply-local deploys it here.</param>
    public static SystemInputs Parse(JsonElement inputs, string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        try
        {
            var rollback = inputs.TryGetProperty("rollback", out var r) && r.ValueKind == JsonValueKind.Object ? r : default;
            return new SystemInputs(
                inputs.GetProperty("drvPath").GetString()!,
                SshTarget.FromInputs(inputs, id, id.StartsWith("node.", StringComparison.Ordinal) ? id[5..] : id),
                JsonFields.String(inputs, "goal") ?? "switch",
                Bool(inputs, "buildOnTarget", false),
                Bool(inputs, "substituteOnDestination", false),
                Bool(inputs, "reboot", false),
                rollback.ValueKind != JsonValueKind.Object || Bool(rollback, "onHealthFailure", true),
                rollback.ValueKind != JsonValueKind.Object || Bool(rollback, "magic", true),
                rollback.ValueKind == JsonValueKind.Object && rollback.TryGetProperty("confirmTimeout", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetInt32() : 30,
                inputs.TryGetProperty("healthChecks", out var h) && h.ValueKind == JsonValueKind.Array ? h.Clone() : JsonDocument.Parse("[]").RootElement.Clone(),
                JsonFields.String(inputs, "keepResult"))
            {
                MachinesFile = JsonFields.String(inputs, "machinesFile"),
                ReplaceUnknownProfiles = Bool(inputs, "replaceUnknownProfiles", true),
            };
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException)
        {
            throw new ResourceFailedException($"nixos.system inputs are incomplete: {e.Message}");
        }
    }

    /// <summary>Goals that change what the node runs and so are confirmed and recorded.</summary>
    public bool Activates => Goal is "switch" or "test" or "boot";

    /// <summary>Goals that change nothing the node runs or boots, so every apply does them again (build, push, dry-activate).</summary>
    public bool LeavesNodeAsItIs => Goal is "build" or "push" or "dry-activate";

    public string ConfirmTimeoutText => ConfirmTimeout.ToString(CultureInfo.InvariantCulture);

    private static bool Bool(JsonElement obj, string name, bool fallback) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : fallback;
}
