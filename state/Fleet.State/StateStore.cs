using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Fleet.State;

/// <summary>
/// The fleet's persisted state: what each resource was last applied as, the runs that changed
/// it, and the lock that lets one apply run at a time. One SQLite database in WAL mode with
/// synchronous=FULL; every write is one transaction that is on disk when the method returns, so
/// a process killed at any instant leaves a consistent database. Sensitive values never reach it
/// in clear (<see cref="Sensitive"/>); events are stored as given, so callers must not put
/// secret values in event messages.
/// </summary>
public sealed partial class StateStore : IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentDictionary<string, byte> _heldLocks = new(StringComparer.Ordinal);
    private bool _disposed;

    private StateStore(string path, SqliteConnection connection, SensitiveValues sensitive)
    {
        Path = path;
        _connection = connection;
        Sensitive = sensitive;
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>Hashes and masks sensitive values with this state's key (<c>&lt;db&gt;.key</c>).</summary>
    public SensitiveValues Sensitive { get; }

    /// <summary>Opens the state at <paramref name="path"/>, creating directory, database and key if missing, and migrates it.</summary>
    public static Task<StateStore> OpenAsync(string path, CancellationToken cancellationToken) =>
        OpenAsync(path, StateCreation.FileAndDirectory, cancellationToken);

    /// <summary>
    /// Opens the state at <paramref name="path"/>, creating only what <paramref name="creation"/>
    /// allows (<see cref="StateNotFoundException"/> otherwise), checks an existing database with
    /// SQLite's quick_check (a damaged one is refused with what SQLite found), and migrates it.
    /// </summary>
    public static async Task<StateStore> OpenAsync(string path, StateCreation creation, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        path = System.IO.Path.GetFullPath(path);
        var directory = System.IO.Path.GetDirectoryName(path)!;
        var isNew = !File.Exists(path);
        if (!Directory.Exists(directory))
        {
            if (creation != StateCreation.FileAndDirectory)
            {
                throw new StateNotFoundException(path, directoryMissing: true);
            }

            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
        else if (isNew && creation == StateCreation.None)
        {
            throw new StateNotFoundException(path, directoryMissing: false);
        }

        var sensitive = await SensitiveValues.OpenAsync(path + ".key", cancellationToken).ConfigureAwait(false);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = isNew ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (isNew && !OperatingSystem.IsWindows())
            {
                // SQLite gives the -wal and -shm files the database's mode.
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            await ExecuteAsync(connection, "PRAGMA busy_timeout = 30000;", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, "PRAGMA journal_mode = WAL;", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, "PRAGMA synchronous = FULL;", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, "PRAGMA foreign_keys = ON;", cancellationToken).ConfigureAwait(false);
            if (!isNew)
            {
                await CheckIntegrityAsync(connection, path, cancellationToken).ConfigureAwait(false);
            }

            await MigrateAsync(connection, path, cancellationToken).ConfigureAwait(false);
            return new StateStore(path, connection, sensitive) { Created = isNew };
        }
        catch (SqliteException e)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new StateException(
                e.SqliteErrorCode is 11 or 26 // SQLITE_CORRUPT, SQLITE_NOTADB
                    ? $"the fleet state {path} is damaged; SQLite says: {e.Message} fleet will not read or write it; restore it from a backup."
                    : $"cannot open the fleet state {path}: {e.Message}",
                e);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// An empty state that lives in memory only, for reading verbs when there is no state yet:
    /// it behaves like a fresh database (serial 0, no resources) and leaves nothing on disk.
    /// <paramref name="path"/> is where the real one would be, for messages.
    /// </summary>
    public static async Task<StateStore> OpenEmptyAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = ":memory:", Pooling = false }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, "PRAGMA foreign_keys = ON;", cancellationToken).ConfigureAwait(false);
            await MigrateAsync(connection, path, cancellationToken).ConfigureAwait(false);
            return new StateStore(System.IO.Path.GetFullPath(path), connection, SensitiveValues.CreateEphemeral()) { IsEphemeral = true };
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>This open created the database (it did not exist before).</summary>
    public bool Created { get; private init; }

    /// <summary>An in-memory stand-in for a state that does not exist (<see cref="OpenEmptyAsync"/>).</summary>
    public bool IsEphemeral { get; private init; }

    // ---- resources ----

    public async Task<ImmutableSortedDictionary<string, ResourceState>> LoadResourcesAsync(CancellationToken cancellationToken)
    {
        return await ReadAsync(async () =>
        {
            var builder = ImmutableSortedDictionary.CreateBuilder<string, ResourceState>(StringComparer.Ordinal);
            await using var command = Command(null, $"{SelectResource};");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var resource = ReadResource(reader);
                builder[resource.Id] = resource;
            }

            return builder.ToImmutable();
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ResourceState?> GetAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        return await ReadAsync(async () =>
        {
            await using var command = Command(null, $"{SelectResource} WHERE id = $id;", ("$id", id));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadResource(reader) : null;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Inserts or replaces one resource and bumps the serial, in one durable transaction.</summary>
    public async Task PutAsync(ResourceState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        var inputs = Json(state.Inputs, nameof(state.Inputs));
        var outputs = Json(state.Outputs, nameof(state.Outputs));
        var dependencies = JsonArray(state.Dependencies);
        await WriteAsync<bool>(async transaction =>
        {
            await using (var command = Command(
                transaction,
                """
                INSERT INTO resources (id, type, provider, node, inputs, outputs, status, created_at, updated_at, last_run_id, dependencies)
                VALUES ($id, $type, $provider, $node, $inputs, $outputs, $status, $created, $updated, $run, $dependencies)
                ON CONFLICT (id) DO UPDATE SET
                    type = excluded.type, provider = excluded.provider, node = excluded.node,
                    inputs = excluded.inputs, outputs = excluded.outputs, status = excluded.status,
                    created_at = excluded.created_at, updated_at = excluded.updated_at, last_run_id = excluded.last_run_id,
                    dependencies = excluded.dependencies;
                """,
                ("$id", state.Id),
                ("$type", state.Type),
                ("$provider", state.Provider),
                ("$node", state.Node),
                ("$inputs", inputs),
                ("$outputs", outputs),
                ("$status", StatusText(state.Status)),
                ("$created", Time(state.CreatedAt)),
                ("$updated", Time(state.UpdatedAt)),
                ("$run", state.LastRunId),
                ("$dependencies", dependencies)))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await BumpSerialAsync(transaction, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Forgets one resource (the real thing is not touched). Removing an unknown id changes nothing.</summary>
    public async Task RemoveAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        await WriteAsync<bool>(async transaction =>
        {
            int removed;
            await using (var command = Command(transaction, "DELETE FROM resources WHERE id = $id;", ("$id", id)))
            {
                removed = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (removed > 0)
            {
                await BumpSerialAsync(transaction, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A counter bumped by every change to resources; a saved plan records it to detect changes since.</summary>
    public async Task<long> GetSerialAsync(CancellationToken cancellationToken)
    {
        return await ReadAsync(async () =>
        {
            await using var command = Command(null, "SELECT serial FROM meta WHERE id = 1;");
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        await FlushEventsAsync(CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        foreach (var token in _heldLocks.Keys)
        {
            await ReleaseLockAsync(token, CancellationToken.None).ConfigureAwait(false);
        }

        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            _disposed = true;
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
            _gate.Dispose();
            _eventWrites.Dispose();
        }
    }

    // ---- plumbing ----

    private const string SelectResource =
        "SELECT id, type, provider, node, inputs, outputs, status, created_at, updated_at, last_run_id, dependencies FROM resources";

    /// <summary>
    /// PRAGMA quick_check: reads every page of every b-tree (O(size), without checking index
    /// contents against the table), so a truncated or overwritten database is refused on open
    /// instead of yielding the rows it still has. A WAL left by a killed writer is part of the
    /// database: SQLite replays it, and the check sees the committed transactions.
    /// </summary>
    private static async Task CheckIntegrityAsync(SqliteConnection connection, string path, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        await using (var command = new SqliteCommand("PRAGMA quick_check(5);", connection))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                problems.Add(reader.GetString(0));
            }
        }

        if (problems is not ["ok"])
        {
            var said = string.Join("; ", problems.SelectMany(p => p.Split('\n', StringSplitOptions.RemoveEmptyEntries)).Take(5));
            throw new StateException(
                $"the fleet state {path} is damaged; SQLite's quick_check says: {said}. " +
                "fleet will not read or write it; restore it from a backup.");
        }
    }

    private static async Task MigrateAsync(SqliteConnection connection, string path, CancellationToken cancellationToken)
    {
        // BEGIN IMMEDIATE before reading the version: two processes opening a new state at once
        // must not both run the same step.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var read = new SqliteCommand("PRAGMA user_version;", connection, transaction);
        var version = Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        if (version > StateSchema.CurrentVersion)
        {
            throw new StateException(
                $"the fleet state {path} has schema version {version}, but this fleet knows versions up to {StateSchema.CurrentVersion}: " +
                "it was written by a newer fleet. Use that fleet (or a newer one); this one will not touch the state.");
        }

        for (var step = version; step < StateSchema.CurrentVersion; step++)
        {
            await using var migrate = new SqliteCommand(StateSchema.Steps[step], connection, transaction);
            await migrate.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await using var bump = new SqliteCommand(
                $"PRAGMA user_version = {(step + 1).ToString(CultureInfo.InvariantCulture)};", connection, transaction);
            await bump.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> ReadAsync<T>(Func<Task<T>> body, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return await body().ConfigureAwait(false);
        }
        catch (SqliteException e)
        {
            throw new StateException($"reading the fleet state {Path} failed: {e.Message}", e);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<T> WriteAsync<T>(Func<SqliteTransaction, Task<T>> body, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);

            // Microsoft.Data.Sqlite begins non-deferred transactions with BEGIN IMMEDIATE.
            await using var transaction = (SqliteTransaction)await _connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var result = await body(transaction).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }
        catch (SqliteException e)
        {
            throw new StateException($"writing the fleet state {Path} failed: {e.Message}", e);
        }
        finally
        {
            _gate.Release();
        }
    }

    private SqliteCommand Command(SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new SqliteCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task BumpSerialAsync(SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = Command(transaction, "UPDATE meta SET serial = serial + 1 WHERE id = 1;");
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static ResourceState ReadResource(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.IsDBNull(3) ? null : reader.GetString(3),
        ParseJson(reader.GetString(4)),
        ParseJson(reader.GetString(5)),
        ParseStatus(reader.GetString(6)),
        ParseTime(reader.GetString(7)),
        ParseTime(reader.GetString(8)),
        reader.IsDBNull(9) ? null : reader.GetInt64(9))
    {
        Dependencies = ParseStrings(reader.GetString(10)),
    };

    private static string Json(JsonElement value, string what) => value.ValueKind == JsonValueKind.Undefined
        ? throw new ArgumentException($"{what} must be a JSON value (use {{}} for none)", what)
        : Compact(value);

    private static string Compact(JsonElement value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            value.WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string JsonArray(ImmutableArray<string> values)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var value in values.IsDefault ? [] : values)
            {
                writer.WriteStringValue(value);
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static ImmutableArray<string> ParseStrings(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.ValueKind == JsonValueKind.Array
            && document.RootElement.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String)
            ? [.. document.RootElement.EnumerateArray().Select(e => e.GetString()!)]
            : throw new StateException($"a resource's recorded dependencies are not a list of ids in the state: {text}");
    }

    private static JsonElement ParseJson(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    private static string StatusText(ResourceStatus status) => status switch
    {
        ResourceStatus.Ready => "ready",
        ResourceStatus.Failed => "failed",
        ResourceStatus.Tainted => "tainted",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "unknown resource status"),
    };

    private static ResourceStatus ParseStatus(string text) => text switch
    {
        "ready" => ResourceStatus.Ready,
        "failed" => ResourceStatus.Failed,
        "tainted" => ResourceStatus.Tainted,
        _ => throw new StateException($"unknown resource status '{text}' in the state"),
    };

    private static string Time(DateTimeOffset time) => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
