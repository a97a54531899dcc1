using Fleet.State;
using Microsoft.Data.Sqlite;

namespace Fleet.Tests;

/// <summary>
/// A state database large enough to damage in its later pages while its first ones still read:
/// 20 resources in the first pages, then a run's 3000 events. Linked into the test projects that
/// damage state databases (Fleet.State.Tests, Fleet.Apply.Tests).
/// </summary>
internal static class FilledStateDatabase
{
    public static async Task CreateAsync(string path)
    {
        await (await StateStore.OpenAsync(path, CancellationToken.None)).DisposeAsync();
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var transaction = connection.BeginTransaction();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.Parameters.AddWithValue("$text", new string('v', 500));
        var i = command.Parameters.Add("$i", SqliteType.Integer);
        command.CommandText = """
            INSERT INTO resources (id, type, provider, node, inputs, outputs, status, created_at, updated_at)
            VALUES (printf('r%04d', $i), 'dummy.thing', 'dummy', NULL, json_object('value', $text), '{}', 'ready', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
            """;
        for (var n = 0; n < 20; n++)
        {
            i.Value = n;
            await command.ExecuteNonQueryAsync();
        }

        command.CommandText = "INSERT INTO runs (id, kind, arguments, started_at, holder) VALUES (1, 'apply', '', '2026-01-01T00:00:00Z', 'test') ON CONFLICT DO NOTHING; " +
            "INSERT INTO events (run_id, seq, at, resource_id, kind, message) VALUES (1, $i, '2026-01-01T00:00:00Z', NULL, 'log', $text);";
        for (var n = 0; n < 3000; n++)
        {
            i.Value = n;
            await command.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }
}
