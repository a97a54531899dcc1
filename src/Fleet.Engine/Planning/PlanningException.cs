using Fleet.Engine.Errors;

namespace Fleet.Engine.Planning;

/// <summary>Planning one resource failed; the message names the resource.</summary>
public sealed class PlanningException : FleetException
{
    public PlanningException()
    {
    }

    public PlanningException(string message)
        : base(message)
    {
    }

    public PlanningException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public string? ResourceId { get; private init; }

    public static PlanningException For(string resourceId, Exception cause) =>
        new($"{resourceId}: {cause?.Message}", cause!) { ResourceId = resourceId };

    public override int ExitCode => InnerException is FleetException f ? f.ExitCode : 1;
}
