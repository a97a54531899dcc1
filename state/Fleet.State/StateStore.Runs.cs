using System.Collections.Immutable;
using System.Globalization;

namespace Fleet.State;

/// <summary>Runs of fleet (apply, refresh, ...) and the ordered events of each.</summary>
public sealed partial class StateStore
{
    public async Task<long> BeginRunAsync(string kind, string arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(arguments);
        var me = Me("run");
        return await WriteAsync(async transaction =>
        {
            await using var command = Command(
                transaction,
                "INSERT INTO runs (kind, arguments, started_at, holder) VALUES ($kind, $arguments, $at, $holder) RETURNING id;",
                ("$kind", kind),
                ("$arguments", arguments),
                ("$at", Time(DateTimeOffset.UtcNow)),
                ("$holder", $"{me.User}@{me.Host} pid {me.Pid.ToString(CultureInfo.InvariantCulture)}"));
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Queued events are written together once this many wait (a build's log is thousands of lines: one transaction each would cost more than the build's output).</summary>
    public const int EventBatch = 200;

    /// <summary>...or once the oldest has waited this long, so `fleet state log` of a run under way is at most this far behind.</summary>
    public static readonly TimeSpan EventBatchAge = TimeSpan.FromSeconds(1);

    private readonly Lock _queueGate = new();
    private readonly SemaphoreSlim _eventWrites = new(1, 1);
    private List<QueuedEvent> _queued = [];
    private Task _backgroundFlush = Task.CompletedTask;

    /// <summary>
    /// Appends one event to a run and writes it (with every event queued before it, in order).
    /// Messages are stored as given: never put secret values in them.
    /// </summary>
    public async Task AppendEventAsync(long runId, string? resourceId, string kind, string message, CancellationToken cancellationToken)
    {
        QueueEvent(runId, resourceId, kind, message, flushWhenDue: false);
        await FlushEventsAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Queues one event of a run (a provider's log line): written with the next batch, in the
    /// order queued, by <see cref="FlushEventsAsync"/>, <see cref="AppendEventAsync"/>,
    /// <see cref="FinishRunAsync"/> or when <see cref="EventBatch"/> or <see cref="EventBatchAge"/>
    /// is reached. Messages are stored as given: never put secret values in them.
    /// </summary>
    public void QueueEvent(long runId, string? resourceId, string kind, string message) =>
        QueueEvent(runId, resourceId, kind, message, flushWhenDue: true);

    /// <summary>Writes every queued event, in one transaction.</summary>
    public async Task FlushEventsAsync(CancellationToken cancellationToken)
    {
        await _eventWrites.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            List<QueuedEvent> batch;
            lock (_queueGate)
            {
                batch = _queued;
                _queued = [];
            }

            if (batch.Count == 0)
            {
                return;
            }

            try
            {
                await WriteEventsAsync(batch, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                lock (_queueGate)
                {
                    // Kept for the next try, still in order.
                    _queued = [.. batch, .. _queued];
                }

                throw;
            }
        }
        finally
        {
            _eventWrites.Release();
        }
    }

    private void QueueEvent(long runId, string? resourceId, string kind, string message, bool flushWhenDue)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(message);
        var now = DateTimeOffset.UtcNow;
        lock (_queueGate)
        {
            _queued.Add(new QueuedEvent(runId, resourceId, kind, message, now));
            if (flushWhenDue && _backgroundFlush.IsCompleted && (_queued.Count >= EventBatch || now - _queued[0].At >= EventBatchAge))
            {
                _backgroundFlush = FlushInBackgroundAsync();
            }
        }
    }

    /// <summary>A due batch, written off the caller's thread; a failure leaves it queued for the next flush, which reports it.</summary>
    private async Task FlushInBackgroundAsync()
    {
        await Task.Yield();
        try
        {
            await FlushEventsAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is StateException or ObjectDisposedException)
        {
        }
    }

    private Task<bool> WriteEventsAsync(List<QueuedEvent> batch, CancellationToken cancellationToken) =>
        WriteAsync<bool>(async transaction =>
        {
            await using var command = Command(
                transaction,
                """
                INSERT INTO events (run_id, seq, at, resource_id, kind, message)
                SELECT $run, COALESCE(MAX(seq), 0) + 1, $at, $resource, $kind, $message FROM events WHERE run_id = $run;
                """,
                ("$run", 0L),
                ("$at", ""),
                ("$resource", null),
                ("$kind", ""),
                ("$message", ""));
            foreach (var e in batch)
            {
                command.Parameters["$run"].Value = e.RunId;
                command.Parameters["$at"].Value = Time(e.At);
                command.Parameters["$resource"].Value = (object?)e.ResourceId ?? DBNull.Value;
                command.Parameters["$kind"].Value = e.Kind;
                command.Parameters["$message"].Value = e.Message;
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken);

    public async Task FinishRunAsync(long runId, string outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        await FlushEventsAsync(cancellationToken).ConfigureAwait(false);
        await WriteAsync<bool>(async transaction =>
        {
            await using var command = Command(
                transaction,
                "UPDATE runs SET finished_at = $at, outcome = $outcome WHERE id = $run;",
                ("$run", runId),
                ("$at", Time(DateTimeOffset.UtcNow)),
                ("$outcome", outcome));
            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new StateException($"run {runId} is not in the state {Path}");
            }

            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The most recent runs, newest first.</summary>
    public async Task<ImmutableArray<RunRecord>> ListRunsAsync(int limit, CancellationToken cancellationToken)
    {
        return await ReadAsync(async () =>
        {
            var runs = ImmutableArray.CreateBuilder<RunRecord>();
            await using var command = Command(
                null,
                "SELECT id, kind, arguments, started_at, finished_at, outcome, holder FROM runs ORDER BY id DESC LIMIT $limit;",
                ("$limit", limit));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                runs.Add(new RunRecord(
                    reader.GetInt64(0),
                    reader.GetString(1),
                    reader.GetString(2),
                    ParseTime(reader.GetString(3)),
                    reader.IsDBNull(4) ? null : ParseTime(reader.GetString(4)),
                    reader.IsDBNull(5) ? null : reader.GetString(5),
                    reader.GetString(6)));
            }

            return runs.ToImmutable();
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ImmutableArray<RunEvent>> GetEventsAsync(long runId, CancellationToken cancellationToken)
    {
        await FlushEventsAsync(cancellationToken).ConfigureAwait(false);
        return await ReadAsync(async () =>
        {
            var events = ImmutableArray.CreateBuilder<RunEvent>();
            await using var command = Command(
                null,
                "SELECT run_id, seq, at, resource_id, kind, message FROM events WHERE run_id = $run ORDER BY seq;",
                ("$run", runId));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                events.Add(new RunEvent(
                    reader.GetInt64(0),
                    reader.GetInt64(1),
                    ParseTime(reader.GetString(2)),
                    reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.GetString(4),
                    reader.GetString(5)));
            }

            return events.ToImmutable();
        }, cancellationToken).ConfigureAwait(false);
    }

    private sealed record QueuedEvent(long RunId, string? ResourceId, string Kind, string Message, DateTimeOffset At);
}
