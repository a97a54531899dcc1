namespace Fleet.Engine.Errors;

/// <summary>
/// A failure the user can act on: printed as one clear paragraph, without a stack trace.
/// Anything else reaching the top level is a bug and is printed with one.
/// </summary>
public class FleetException : Exception
{
    public FleetException()
    {
    }

    public FleetException(string message)
        : base(message)
    {
    }

    public FleetException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Process exit code the CLI uses for this failure (2: usage or configuration).</summary>
    public virtual int ExitCode => 2;
}
