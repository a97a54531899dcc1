using Microsoft.Data.Sqlite;

namespace Fleet.State.Tests;

/// <summary>Direct SQL on a state database, for writing what another fleet (or host) would have written.</summary>
public static class RawDatabase
{
    public static async Task<object?> ScalarAsync(string path, string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return await command.ExecuteScalarAsync();
    }

    /// <summary>Creates a database as a fleet that knew only the first <paramref name="version"/> schema steps would have.</summary>
    public static async Task CreateAtVersionAsync(string path, int version)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        for (var step = 0; step < version; step++)
        {
            await ScalarAsync(path, StateSchema.Steps[step]);
        }

        await ScalarAsync(path, $"PRAGMA user_version = {version};");
    }

    /// <summary>Writes a lock row as a holder elsewhere would have.</summary>
    public static Task WriteLockAsync(string path, LockHolder holder, string? processKey = null) => ScalarAsync(
        path,
        """
        INSERT OR REPLACE INTO lock (id, purpose, user, host, pid, process_start, process_key, acquired_at, token)
        VALUES (1, $purpose, $user, $host, $pid, $start, $key, $at, 'foreign');
        """,
        ("$purpose", holder.Purpose),
        ("$user", holder.User),
        ("$host", holder.Host),
        ("$pid", holder.Pid),
        ("$start", holder.ProcessStart.ToString("O")),
        ("$key", processKey),
        ("$at", holder.AcquiredAt.ToString("O")));
}
