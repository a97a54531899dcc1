namespace Fleet.State;

/// <summary>One run of fleet that changed or inspected the fleet (apply, destroy, refresh, ...).</summary>
/// <param name="Holder">Who ran it: "user@host pid N".</param>
/// <param name="Outcome">Null while the run is under way, or if it died before finishing.</param>
public sealed record RunRecord(
    long Id,
    string Kind,
    string Arguments,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    string? Outcome,
    string Holder);
