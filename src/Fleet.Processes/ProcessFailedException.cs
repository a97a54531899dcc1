namespace Fleet.Processes;

/// <summary>A child process exited non-zero where success was required.</summary>
public sealed class ProcessFailedException : Exception
{
    public ProcessFailedException()
    {
    }

    public ProcessFailedException(string message)
        : base(message)
    {
    }

    public ProcessFailedException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public ProcessFailedException(string command, ProcessResult result)
        : base($"`{command}` exited with code {result.ExitCode}: {Tail(result.StandardError)}")
    {
        Command = command;
        Result = result;
    }

    public string? Command { get; }

    public ProcessResult? Result { get; }

    private static string Tail(string text)
    {
        var lines = text.TrimEnd().Split('\n');
        return string.Join('\n', lines.Skip(Math.Max(0, lines.Length - 20)));
    }
}
