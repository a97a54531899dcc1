using System.Collections.Immutable;
using System.Text.Json;
using Fleet.Protocol;

namespace Fleet.Nodes;

/// <summary>
/// The agent's answer to `fleet-agent preview --system PATH [--closure] [--units] --json`
/// (docs/agent.md): what switching to PATH would do, found on the node and changing nothing
/// there: the system it runs now, whether a reboot is needed, the closure diff (`--closure`) and
/// the units `switch-to-configuration dry-activate` would stop, restart, reload and start
/// (`--units`), with the lines it printed.
/// </summary>
public sealed record SystemPreview(SystemChange Change, ImmutableArray<string> Output)
{
    public const string Command = "preview";

    /// <summary>The agent's argv for a preview of `system`.</summary>
    public static ImmutableArray<string> Arguments(string system, bool closure, bool units)
    {
        ArgumentNullException.ThrowIfNull(system);
        var argv = ImmutableArray.CreateBuilder<string>();
        argv.AddRange(Command, "--system", system);
        if (closure)
        {
            argv.Add("--closure");
        }

        if (units)
        {
            argv.Add("--units");
        }

        argv.Add("--json");
        return argv.ToImmutable();
    }

    public string ToJson() => JsonSerializer.Serialize(this, NodesJsonContext.Default.SystemPreview);

    /// <summary>The preview in the agent's stdout, or null when it is not one.</summary>
    public static SystemPreview? FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonSerializer.Deserialize(json.Trim(), NodesJsonContext.Default.SystemPreview);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
