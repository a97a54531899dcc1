namespace Fleet.Engine.Nix;

/// <summary>
/// Keeps what a user needs from nix's error output: the message with its file and position, and
/// the first lines of context, without the noise of a long trace.
/// </summary>
public static class NixErrorText
{
    private const int MaxLines = 40;

    public static string Summarise(string stderr)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        var lines = stderr.Replace("\r", string.Empty, StringComparison.Ordinal).TrimEnd().Split('\n');
        var start = Array.FindIndex(lines, l => l.StartsWith("error", StringComparison.Ordinal));
        var kept = lines.Skip(Math.Max(0, start)).ToList();
        return kept.Count <= MaxLines
            ? string.Join('\n', kept).Trim()
            : string.Join('\n', kept.Take(MaxLines)).Trim() + $"\n       … ({kept.Count - MaxLines} more lines; run nix with --show-trace for the full trace)";
    }
}
