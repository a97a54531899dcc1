namespace Fleet.State;

/// <summary>One event of a run, in order (<paramref name="Seq"/> counts from 1 within the run).</summary>
public sealed record RunEvent(
    long RunId,
    long Seq,
    DateTimeOffset At,
    string? ResourceId,
    string Kind,
    string Message);
