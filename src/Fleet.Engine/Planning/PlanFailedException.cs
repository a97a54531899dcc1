using Fleet.Engine.Errors;

namespace Fleet.Engine.Planning;

/// <summary>One or more resources could not be planned; each failure is listed.</summary>
public sealed class PlanFailedException : FleetException
{
    public PlanFailedException()
    {
    }

    public PlanFailedException(string message)
        : base(message)
    {
    }

    public PlanFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public PlanFailedException(IReadOnlyList<Exception> failures)
        : base("planning failed:\n" + string.Join('\n', (failures ?? []).Select(f => "  - " + f.Message)))
    {
        Failures = failures ?? [];
    }

    public IReadOnlyList<Exception> Failures { get; } = [];

    public override int ExitCode => Failures.Any(f => f is FleetException { ExitCode: 2 }) ? 2 : 1;
}
