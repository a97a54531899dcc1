namespace Fleet.State;

/// <summary>The state lock is held by a process that is (or may be) still running.</summary>
public sealed class StateLockedException : StateException
{
    public StateLockedException()
    {
    }

    public StateLockedException(string message)
        : base(message)
    {
    }

    public StateLockedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public StateLockedException(LockHolder holder, string why)
        : base(
            $"the fleet state is locked: {(holder ?? throw new ArgumentNullException(nameof(holder))).Describe()}; {why}. " +
            "Wait for it to finish, or run `fleet state unlock` if you are sure it is gone.")
    {
        Holder = holder;
    }

    /// <summary>The lock's holder, when known.</summary>
    public LockHolder? Holder { get; }
}
