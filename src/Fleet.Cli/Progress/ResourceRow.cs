using System.Collections.Immutable;

namespace Fleet.Cli.Progress;

/// <summary>One resource's line in the progress view.</summary>
public sealed record ResourceRow(string Id, string? Node, string Action)
{
    public string Status { get; init; } = "waiting";

    public string? Stage { get; init; }

    public double? Fraction { get; init; }

    /// <summary>What the provider works on now (the derivations being built, the path being copied).</summary>
    public string? Activity { get; init; }

    /// <summary>How far the stage got: <see cref="Done"/> of <see cref="Expected"/> <see cref="Unit"/>.</summary>
    public long? Done { get; init; }

    public long? Expected { get; init; }

    public string? Unit { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public string? LastLine { get; init; }

    /// <summary>The last warnings and errors the provider logged, kept for the failure summary (every line is in the run's log).</summary>
    public ImmutableQueue<string> Tail { get; init; } = [];

    public TimeSpan Elapsed(DateTimeOffset now) =>
        StartedAt is { } start ? (FinishedAt ?? now) - start : TimeSpan.Zero;
}
