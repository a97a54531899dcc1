using Microsoft.Data.Sqlite;

namespace Fleet.State.Tests;

/// <summary>A damaged database is refused on open; one a killed writer left (with its WAL) is not damaged.</summary>
public sealed class StateIntegrityTests
{
    /// <summary>20 resources in the first pages, then a run's 3000 events in the later ones.</summary>
    private static async Task FillAsync(string path)
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

    /// <param name="sizeUntrusted">Also make the header's page count not vouched for (version-valid-for differs from the change counter): SQLite then takes the file's length as the size and reads the rows it still has.</param>
    [Theory(Timeout = TestTimeouts.Local)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Opening_a_truncated_database_is_refused_naming_the_file_and_what_sqlite_found(bool sizeUntrusted)
    {
        using var state = new TemporaryState();
        await FillAsync(state.DatabasePath);
        await using (var file = new FileStream(state.DatabasePath, FileMode.Open, FileAccess.ReadWrite))
        {
            file.SetLength(file.Length / 2);
            if (sizeUntrusted)
            {
                file.Position = 92;
                await file.WriteAsync(new byte[] { 0, 0, 0x30, 0x39 });
            }
        }

        var error = await Assert.ThrowsAsync<StateException>(state.OpenAsync);

        Assert.StartsWith($"the fleet state {state.DatabasePath} is damaged; SQLite", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_database_whose_pages_were_overwritten_is_refused()
    {
        using var state = new TemporaryState();
        await FillAsync(state.DatabasePath);
        await using (var file = new FileStream(state.DatabasePath, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = file.Length / 2;
            await file.WriteAsync(new byte[8192]);
        }

        var error = await Assert.ThrowsAsync<StateException>(state.OpenAsync);

        Assert.Contains("is damaged", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_database_left_by_a_killed_writer_opens_without_anything_reading_it_first()
    {
        using var state = new TemporaryState();
        await using (await state.OpenAsync())
        {
        }

        using (var writer = DummyProcess.Start("write-many", state.DatabasePath, "1000000"))
        {
            for (var i = 0; i < 200; i++)
            {
                Assert.NotNull(await writer.ReadLineAsync(TimeSpan.FromSeconds(60)));
            }

            await writer.KillAsync();
        }

        Assert.True(File.Exists(state.DatabasePath + "-wal"));
        await using var store = await state.OpenAsync();
        Assert.InRange((await store.LoadResourcesAsync(CancellationToken.None)).Count, 200, 1_000_000);
    }
}
