namespace Fleet.Engine.Nix;

/// <summary>
/// Keeps what a user needs from nix's error output: the message with its file and position, and
/// the first lines of context, without the noise of a long trace.
/// </summary>
public static class NixErrorText
{
    /// <summary>Lines kept without `--show-trace`.</summary>
    public const int MaxLines = 40;

    public static string Summarise(string stderr, int maxLines = MaxLines)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        var lines = stderr.Replace("\r", string.Empty, StringComparison.Ordinal).TrimEnd().Split('\n');
        var start = Array.FindIndex(lines, l => l.StartsWith("error", StringComparison.Ordinal));
        var kept = lines.Skip(Math.Max(0, start)).ToList();
        return kept.Count <= maxLines
            ? string.Join('\n', kept).Trim()
            : string.Join('\n', kept.Take(maxLines)).Trim() + $"\n       … ({kept.Count - maxLines} more lines; run fleet with --show-trace for the full trace)";
    }
}
