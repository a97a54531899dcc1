namespace Fleet.Processes;

/// <summary>What a finished child process left: its exit code and captured output.</summary>
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError, TimeSpan Duration)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The last non-blank line of some output, trimmed: what a failure message quotes.</summary>
    public static string LastLine(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Trim().Split('\n').LastOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "";
    }
}
