using System.Collections.Immutable;
using Fleet.Nodes;

namespace Fleet.Providers.NixOS;

/// <summary>
/// A failed activation said once: one line with the cause (the health check that failed and why,
/// or what failed and the agent's word on it) and what the node runs now, then at most
/// <see cref="ContextLines"/> lines of the activation's own output that the line does not already
/// say (none for a failed health check, whose result says it all). The whole output is in the
/// run's log (`fleet state log`), not in the message.
/// </summary>
public static class ActivationFailure
{
    public const int ContextLines = 3;

    /// <param name="exitCode">fleet-agent activate's exit code (docs/agent.md).</param>
    /// <param name="message">The agent's `finished` message, if it said one.</param>
    /// <param name="previous">The system the node ran before (null on a first deployment).</param>
    /// <param name="checks">The `check` results the agent reported, in order.</param>
    /// <param name="output">The activation's output lines (switch-to-configuration, the agent's notes), oldest first.</param>
    public static string Describe(int exitCode, string? message, string? previous, IReadOnlyList<HealthResult> checks, IEnumerable<string> output)
    {
        ArgumentNullException.ThrowIfNull(checks);
        ArgumentNullException.ThrowIfNull(output);
        var back = $"rolled back to {Short(previous)}";
        var failed = checks.Where(c => !c.Ok).GroupBy(c => c.Name, StringComparer.Ordinal).Select(g => g.Last()).ToList();
        var cause = exitCode switch
        {
            11 or 15 when failed.Count > 0 => string.Join("; ", failed.Select(c => $"health check {c.Name} failed: {c.Reason}"))
                + (exitCode == 11 ? "; " + back : "; the new system was kept (rollback on health failure is off)"),
            10 => $"switch-to-configuration failed; {back}",
            11 => $"a health check failed; {back}",
            12 => $"no confirmation arrived in time; {back}",
            13 => "activation failed and there was no previous system to roll back to",
            14 => "activation failed before switching; nothing changed",
            15 => "a health check failed; the new system was kept (rollback on health failure is off)",
            16 => $"the activation was rolled back on request (fleet-agent rollback); {back}",
            75 => "another activation holds this node's lock",
            _ => $"fleet-agent activate exited with code {exitCode}",
        };
        if (failed.Count > 0)
        {
            // The check's own words are the whole story.
            return cause;
        }

        var first = message is null || cause.Contains(message, StringComparison.Ordinal) ? cause : $"{cause}: {message}";
        return string.Join('\n', [first, .. Context(first, output).Select(l => "  " + l)]);
    }

    /// <summary>The last few distinct meaningful lines of <paramref name="output"/> that <paramref name="said"/> does not contain.</summary>
    public static ImmutableArray<string> Context(string said, IEnumerable<string> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var lines = new List<string>();
        foreach (var raw in output.Reverse())
        {
            var line = raw.Trim();
            if (line.Length == 0 || said.Contains(line, StringComparison.Ordinal) || !seen.Add(line))
            {
                continue;
            }

            lines.Add(line);
            if (lines.Count == ContextLines)
            {
                break;
            }
        }

        lines.Reverse();
        return [.. lines];
    }

    /// <summary>A system as the first characters of its store hash (`/nix/store/1a2b3c4d…-nixos-system-…` is 1a2b3c4d).</summary>
    public static string Short(string? system)
    {
        if (system is null)
        {
            return "the previous system";
        }

        var name = system.StartsWith("/nix/store/", StringComparison.Ordinal) ? system["/nix/store/".Length..] : system;
        var dash = name.IndexOf('-', StringComparison.Ordinal);
        return dash >= 8 ? name[..8] : name;
    }
}
