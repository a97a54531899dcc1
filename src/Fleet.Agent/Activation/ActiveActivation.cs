namespace Fleet.Agent.Activation;

/// <summary>
/// The activation running now, written by its worker to /run/fleet-agent/activation.json while
/// it holds the lock; <see cref="State"/> is "running" or "awaiting-confirmation".
/// </summary>
public sealed record ActiveActivation(
    string Id,
    int Pid,
    DateTimeOffset StartTime,
    string System,
    string? Previous,
    string Goal,
    string State,
    DateTimeOffset? Deadline,
    string Log);
