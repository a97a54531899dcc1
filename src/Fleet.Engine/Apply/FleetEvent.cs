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

    /// <summary>For progress: what is being worked on now (derivations being built, the path being copied).</summary>
    public string? Activity { get; init; }

    /// <summary>For progress: how much is done of <see cref="Expected"/>, in units of <see cref="Unit"/>.</summary>
    public long? Done { get; init; }

    public long? Expected { get; init; }

    /// <summary>What <see cref="Done"/> and <see cref="Expected"/> count: "bytes", or a plural noun.</summary>
    public string? Unit { get; init; }

    public string? Level { get; init; }

    public string? Text { get; init; }

    /// <summary>For resource-finished and run-finished: succeeded, failed, skipped, not-started.</summary>
    public string? Outcome { get; init; }

    public static FleetEvent Now(FleetEventKind kind) => new(kind, DateTimeOffset.UtcNow);

    /// <summary>A provider's `progress`, with whatever structured fields it sent.</summary>
    public static FleetEvent Progress(Protocol.ProgressParams progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        return Now(FleetEventKind.Progress) with
        {
            Resource = progress.Resource,
            Stage = progress.Stage,
            Fraction = progress.Fraction,
            Activity = progress.Activity,
            Done = progress.Done,
            Expected = progress.Expected,
            Unit = progress.Unit,
        };
    }
}
