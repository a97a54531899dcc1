namespace Fleet.Processes;

/// <summary>What a finished child process left: its exit code and captured output.</summary>
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError, TimeSpan Duration)
{
    public bool Succeeded => ExitCode == 0;
}
