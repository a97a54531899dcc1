using Fleet.Engine.Errors;

namespace Fleet.Cli;

/// <summary>The person at the terminal answered no to a <see cref="Confirmation"/> question: nothing was done (exit 1).</summary>
internal sealed class DeclinedException : FleetException
{
    public DeclinedException()
        : base("not confirmed; nothing was done")
    {
    }

    public DeclinedException(string message)
        : base(message)
    {
    }

    public DeclinedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public override int ExitCode => FleetCli.ExitFailed;
}
