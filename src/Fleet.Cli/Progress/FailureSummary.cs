namespace Fleet.Cli.Progress;

/// <summary>
/// One failed resource in the apply's summary: `failed ID: CAUSE` on one line, then at most
/// <see cref="ContextLines"/> lines of context — the message's own further lines, then the
/// resource's last logged warnings and errors — each said once and none the cause already says.
/// </summary>
public static class FailureSummary
{
    public const int ContextLines = 5;

    /// <param name="tail">The resource's last logged warnings and errors, oldest first.</param>
    public static IReadOnlyList<string> Lines(string id, string error, IEnumerable<string> tail)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(tail);
        var parts = error.Split('\n');
        var cause = parts[0].Trim();
        var seen = new HashSet<string>(StringComparer.Ordinal) { cause };
        var context = new List<string>();
        foreach (var part in parts.Skip(1).Select(p => p.TrimEnd()))
        {
            if (context.Count < ContextLines && IsNews(part.Trim(), cause, seen))
            {
                // The message's own lines as the provider indented them.
                context.Add(part);
            }
        }

        var fromLog = new List<string>();
        foreach (var logLine in tail.Reverse().Select(l => l.Trim()))
        {
            if (context.Count + fromLog.Count < ContextLines && IsNews(logLine, cause, seen))
            {
                fromLog.Add(logLine);
            }
        }

        fromLog.Reverse();
        return [$"  failed {id}: {cause}", .. context, .. fromLog.Select(l => "      | " + l)];
    }

    /// <summary>Not empty, not said yet, and not what the cause says in other words (`health: X failed: Y` beside `health check X failed: Y`).</summary>
    private static bool IsNews(string line, string cause, HashSet<string> seen)
    {
        var bare = line.StartsWith("health: ", StringComparison.Ordinal) ? line["health: ".Length..] : line;
        return line.Length > 0 && !cause.Contains(bare, StringComparison.Ordinal) && seen.Add(line);
    }
}
