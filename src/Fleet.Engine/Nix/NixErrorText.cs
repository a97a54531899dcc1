namespace Fleet.Engine.Nix;

/// <summary>
/// Trims nix's --show-trace output to what a user needs: the final error with its file and
/// position, and the innermost frames of the trace that point into the user's own files.
/// </summary>
public static class NixErrorText
{
    public static string Summarise(string stderr)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        var lines = stderr.Replace("\r", string.Empty, StringComparison.Ordinal).TrimEnd().Split('\n');
        var errorStart = Array.FindLastIndex(lines, l => l.StartsWith("error:", StringComparison.Ordinal));
        if (errorStart < 0)
        {
            return stderr.Trim();
        }

        // Nix 2.8 prints "error: <trace frames> ... error: <final message>" with --show-trace;
        // the last "error:" block is the message, the position lines before it locate it.
        var message = string.Join('\n', lines.Skip(errorStart)).Trim();
        var positions = lines.Take(errorStart)
            .Where(l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal) && !l.Contains("/nix-modules/", StringComparison.Ordinal)
                && !l.Contains("nixpkgs-standin/lib", StringComparison.Ordinal) && !l.Contains("/lib/modules.nix", StringComparison.Ordinal))
            .Select(l => l.Trim())
            .Distinct()
            .TakeLast(3)
            .ToList();
        return positions.Count == 0 ? message : message + "\n" + string.Join('\n', positions.Select(p => "  " + p));
    }
}
