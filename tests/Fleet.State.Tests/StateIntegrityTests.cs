using Fleet.Tests;

namespace Fleet.State.Tests;

/// <summary>A damaged database is refused on open; one a killed writer left (with its WAL) is not damaged.</summary>
public sealed class StateIntegrityTests
{
    /// <param name="sizeUntrusted">Also make the header's page count not vouched for (version-valid-for differs from the change counter): SQLite then takes the file's length as the size and reads the rows it still has.</param>
    [Theory(Timeout = TestTimeouts.Local)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Opening_a_truncated_database_is_refused_naming_the_file_and_what_sqlite_found(bool sizeUntrusted)
    {
        using var state = new TemporaryState();
        await FilledStateDatabase.CreateAsync(state.DatabasePath);
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
        await FilledStateDatabase.CreateAsync(state.DatabasePath);
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
