using Microsoft.Data.Sqlite;

namespace Fleet.State;

/// <summary>The state lock: one apply per fleet at a time, stale holders recognised and taken over.</summary>
public sealed partial class StateStore
{
    private sealed record HeldLock(LockHolder Holder, string? ProcessKey);

    /// <summary>
    /// Takes the state lock. Refused (<see cref="StateLockedException"/>) while a live process
    /// holds it, or when it was taken on another host (fleet cannot tell whether that process
    /// lives). A lock left by a process of this host that is gone is taken over and reported in
    /// <see cref="StateLock.RecoveredFrom"/>. Check and take happen in one BEGIN IMMEDIATE
    /// transaction, so two racing processes cannot both win.
    /// </summary>
    public async Task<StateLock> AcquireLockAsync(string purpose, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        var me = Me(purpose);
        var key = ProcessIdentity.Current.Key;
        var token = Guid.NewGuid().ToString("N");
        var recovered = await WriteAsync(async transaction =>
        {
            var existing = await ReadLockAsync(transaction, cancellationToken).ConfigureAwait(false);
            if (existing is { } held)
            {
                if (!string.Equals(held.Holder.Host, me.Host, StringComparison.OrdinalIgnoreCase))
                {
                    throw new StateLockedException(held.Holder, $"it was taken on another host ({held.Holder.Host}), so fleet cannot tell whether that process still runs");
                }

                if (ProcessIdentity.IsAlive(held.Holder.Pid, held.Holder.ProcessStart, held.ProcessKey))
                {
                    throw new StateLockedException(held.Holder, "that process is still running");
                }

                await using var delete = Command(transaction, "DELETE FROM lock;");
                await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using var insert = Command(
                transaction,
                """
                INSERT INTO lock (id, purpose, user, host, pid, process_start, process_key, acquired_at, token)
                VALUES (1, $purpose, $user, $host, $pid, $start, $key, $at, $token);
                """,
                ("$purpose", me.Purpose),
                ("$user", me.User),
                ("$host", me.Host),
                ("$pid", me.Pid),
                ("$start", Time(me.ProcessStart)),
                ("$key", key),
                ("$at", Time(me.AcquiredAt)),
                ("$token", token));
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return existing?.Holder;
        }, cancellationToken).ConfigureAwait(false);

        _heldLocks[token] = 0;
        return new StateLock(this, token, me, recovered);
    }

    /// <summary>Who holds the lock, or null if it is free.</summary>
    public async Task<LockHolder?> GetLockHolderAsync(CancellationToken cancellationToken)
    {
        return await ReadAsync(
            async () => (await ReadLockAsync(null, cancellationToken).ConfigureAwait(false))?.Holder,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes the lock whoever holds it (`fleet state unlock`).</summary>
    public async Task ForceUnlockAsync(CancellationToken cancellationToken)
    {
        await WriteAsync<bool>(async transaction =>
        {
            await using var command = Command(transaction, "DELETE FROM lock;");
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    internal async Task ReleaseLockAsync(string token, CancellationToken cancellationToken)
    {
        if (!_heldLocks.TryRemove(token, out _) || _disposed)
        {
            return;
        }

        await WriteAsync<bool>(async transaction =>
        {
            // Only our own hold: after a forced unlock, the lock may belong to someone else now.
            await using var command = Command(transaction, "DELETE FROM lock WHERE token = $token;", ("$token", token));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HeldLock?> ReadLockAsync(SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = Command(
            transaction,
            "SELECT purpose, user, host, pid, process_start, acquired_at, process_key FROM lock WHERE id = 1;");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new HeldLock(
            new LockHolder(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetInt32(3),
                ParseTime(reader.GetString(4)),
                ParseTime(reader.GetString(5))),
            reader.IsDBNull(6) ? null : reader.GetString(6));
    }

    private static LockHolder Me(string purpose)
    {
        var (pid, start, _) = ProcessIdentity.Current;
        return new LockHolder(purpose, Environment.UserName, Environment.MachineName, pid, start, DateTimeOffset.UtcNow);
    }
}
