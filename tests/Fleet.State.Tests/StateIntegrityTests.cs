using Microsoft.Data.Sqlite;

namespace Fleet.State.Tests;

/// <summary>A damaged database is refused on open; one a killed writer left (with its WAL) is not damaged.</summary>
public sealed class StateIntegrityTests
{
    private static async Task FillAsync(string path, int rows)
    {
        await (await StateStore.OpenAsync(path, CancellationToken.None)).DisposeAsync();
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var transaction = connection.BeginTransaction();
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO resources (id, type, provider, node, inputs, outputs, status, created_at, updated_at)
            VALUES ($id, 'dummy.thing', 'dummy', NULL, $json, $json, 'ready', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
            """;
        var id = insert.Parameters.Add("$id", SqliteType.Text);
        insert.Parameters.AddWithValue("$json", $$"""{"value":"{{new string('v', 500)}}"}""");
        for (var i = 0; i < rows; i++)
        {
            id.Value = $"r{i:D5}";
            await insert.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Opening_a_truncated_database_is_refused_naming_the_file_and_what_sqlite_found()
    {
        using var state = new TemporaryState();
        await FillAsync(state.DatabasePath, 2000);
        await using (var file = new FileStream(state.DatabasePath, FileMode.Open, FileAccess.ReadWrite))
        {
            file.SetLength(file.Length / 2);
        }

        var error = await Assert.ThrowsAsync<StateException>(state.OpenAsync);

        Assert.StartsWith($"the fleet state {state.DatabasePath} is damaged; SQLite", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_database_whose_pages_were_overwritten_is_refused()
    {
        using var state = new TemporaryState();
        await FillAsync(state.DatabasePath, 2000);
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
