using Fleet.Nodes;

namespace Fleet.Agent.Activation;

/// <summary>
/// One line of an activation log (JSON lines), relayed by `activate` to its stdout. Event names:
/// started, stage, output, check, awaiting-confirmation, finished.
/// </summary>
public sealed record ActivationEvent(string Event)
{
    public DateTimeOffset Time { get; init; } = DateTimeOffset.UtcNow;

    public string? Stage { get; init; }

    public string? Id { get; init; }

    public int? Pid { get; init; }

    public string? System { get; init; }

    public string? Previous { get; init; }

    public string? Goal { get; init; }

    public string? Log { get; init; }

    public string? Stream { get; init; }

    public string? Line { get; init; }

    public HealthResult? Check { get; init; }

    public DateTimeOffset? Deadline { get; init; }

    public string? Outcome { get; init; }

    public int? ExitCode { get; init; }

    public string? Message { get; init; }

    /// <summary>Events after which the foreground `activate` stops following the log.</summary>
    public bool IsTerminal => Event is "awaiting-confirmation" or "finished";
}
