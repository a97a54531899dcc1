namespace Fleet.State;

/// <summary>
/// The held state lock: one apply (or other writer) per fleet at a time. Disposing releases it.
/// If the lock was taken over from a dead process, <see cref="RecoveredFrom"/> says whose it was.
/// </summary>
public sealed class StateLock : IAsyncDisposable
{
    private readonly StateStore _store;
    private readonly string _token;
    private int _released;

    internal StateLock(StateStore store, string token, LockHolder holder, LockHolder? recoveredFrom)
    {
        _store = store;
        _token = token;
        Holder = holder;
        RecoveredFrom = recoveredFrom;
    }

    /// <summary>This process's hold on the lock.</summary>
    public LockHolder Holder { get; }

    /// <summary>The stale holder whose lock was taken over, or null if the lock was free.</summary>
    public LockHolder? RecoveredFrom { get; }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            await _store.ReleaseLockAsync(_token, CancellationToken.None).ConfigureAwait(false);
        }
    }
}
