namespace Fleet.State;

/// <summary>
/// Who holds the state lock. <paramref name="ProcessStart"/> is the holder process's start
/// time, so a pid recycled by another process is not mistaken for the holder.
/// </summary>
public sealed record LockHolder(
    string Purpose,
    string User,
    string Host,
    int Pid,
    DateTimeOffset ProcessStart,
    DateTimeOffset AcquiredAt)
{
    /// <summary>"apply by alice@deploy1, pid 4242, since 2025-01-01 12:00:00Z".</summary>
    public string Describe() =>
        $"{Purpose} by {User}@{Host}, pid {Pid}, since {AcquiredAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z";
}
