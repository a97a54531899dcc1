namespace Fleet.Engine.Apply;

/// <summary>
/// One thing that happened during a run. The progress view, the plain log and `--json` are all
/// fed from these; none of them may carry a secret value.
/// </summary>
public sealed record FleetEvent(FleetEventKind Kind, DateTimeOffset At)
{
    public string? Resource { get; init; }

    public string? Node { get; init; }

    public string? Action { get; init; }

    public string? Stage { get; init; }

    public double? Fraction { get; init; }

    public string? Level { get; init; }

    public string? Text { get; init; }

    /// <summary>For resource-finished and run-finished: succeeded, failed, skipped, not-started.</summary>
    public string? Outcome { get; init; }

    public static FleetEvent Now(FleetEventKind kind) => new(kind, DateTimeOffset.UtcNow);
}
