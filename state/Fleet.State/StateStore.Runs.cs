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

    /// <summary>Appends one event to a run. Messages are stored as given: never put secret values in them.</summary>
    public async Task AppendEventAsync(long runId, string? resourceId, string kind, string message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(message);
        await WriteAsync<bool>(async transaction =>
        {
            await using var command = Command(
                transaction,
                """
                INSERT INTO events (run_id, seq, at, resource_id, kind, message)
                SELECT $run, COALESCE(MAX(seq), 0) + 1, $at, $resource, $kind, $message FROM events WHERE run_id = $run;
                """,
                ("$run", runId),
                ("$at", Time(DateTimeOffset.UtcNow)),
                ("$resource", resourceId),
                ("$kind", kind),
                ("$message", message));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task FinishRunAsync(long runId, string outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
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
}
