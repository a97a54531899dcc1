using System.Collections.Immutable;
using Fleet.Protocol;

namespace Fleet.Nodes;

/// <summary>
/// Reads what `switch-to-configuration dry-activate` says it would do, in NixOS' words (on
/// stdout or stderr): `would stop the following units: a.service, b.service`, and likewise
/// `would restart`, `would reload` and `would start`. Other lines (`would activate the
/// configuration...`, `would NOT stop the following changed units: ...`, `would restart systemd`)
/// name nothing that is stopped, restarted, reloaded or started and are skipped.
/// </summary>
public static class DryActivateOutput
{
    private const string Suffix = " the following units: ";

    public static UnitChanges Parse(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var found = new Dictionary<string, List<string>>(StringComparer.Ordinal)
        {
            ["stop"] = [], ["restart"] = [], ["reload"] = [], ["start"] = [],
        };
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (!line.StartsWith("would ", StringComparison.Ordinal))
            {
                continue;
            }

            var at = line.IndexOf(Suffix, StringComparison.Ordinal);
            if (at < 0 || !found.TryGetValue(line["would ".Length..at], out var units))
            {
                continue;
            }

            foreach (var unit in line[(at + Suffix.Length)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!units.Contains(unit, StringComparer.Ordinal))
                {
                    units.Add(unit);
                }
            }
        }

        return new UnitChanges([.. found["stop"]], [.. found["restart"]], [.. found["reload"]], [.. found["start"]]);
    }
}
