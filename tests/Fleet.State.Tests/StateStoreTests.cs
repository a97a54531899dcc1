using System.Text.Json;

namespace Fleet.State.Tests;

public sealed class StateStoreTests : IDisposable
{
    private readonly TemporaryState _state = new();

    public void Dispose() => _state.Dispose();

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    private static ResourceState Sample(string id = "nixos.system/web1", ResourceStatus status = ResourceStatus.Ready, long? run = null)
    {
        var created = new DateTimeOffset(2025, 3, 1, 12, 0, 0, 123, TimeSpan.Zero);
        return new ResourceState(
            id, "nixos.system", "nixos", "web1",
            Json("""{"toplevel":"/nix/store/abc-nixos","tags":["web","eu"],"port":22}"""),
            Json("""{"generation":7,"activated":true}"""),
            status, created, created.AddMinutes(5).AddTicks(7), run)
        {
            Dependencies = ["node.web1", "secret.file/web1-key"],
        };
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_put_resource_reads_back_equal_through_get_and_load()
    {
        var original = Sample();
        await using (var store = await _state.OpenAsync())
        {
            await store.PutAsync(original, CancellationToken.None);
        }

        await using var reopened = await _state.OpenAsync();
        var got = await reopened.GetAsync(original.Id, CancellationToken.None);
        var all = await reopened.LoadResourcesAsync(CancellationToken.None);

        Assert.NotNull(got);
        foreach (var read in new[] { got!, all[original.Id] })
        {
            Assert.Equal(original with { Inputs = default, Outputs = default, Dependencies = [] }, read with { Inputs = default, Outputs = default, Dependencies = [] });
            Assert.Equal<string>(["node.web1", "secret.file/web1-key"], read.Dependencies);
            Assert.Equal(original.Inputs.GetRawText(), read.Inputs.GetRawText());
            Assert.Equal(original.Outputs.GetRawText(), read.Outputs.GetRawText());
        }

        Assert.Single(all);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Get_of_an_unknown_id_is_null()
    {
        await using var store = await _state.OpenAsync();
        Assert.Null(await store.GetAsync("nope", CancellationToken.None));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Put_replaces_an_existing_resource_and_remove_forgets_it()
    {
        await using var store = await _state.OpenAsync();
        await store.PutAsync(Sample(), CancellationToken.None);
        await store.PutAsync(Sample(status: ResourceStatus.Tainted), CancellationToken.None);
        Assert.Equal(ResourceStatus.Tainted, (await store.GetAsync(Sample().Id, CancellationToken.None))!.Status);

        await store.RemoveAsync(Sample().Id, CancellationToken.None);
        Assert.Empty(await store.LoadResourcesAsync(CancellationToken.None));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_new_database_is_created_with_its_directory_and_migrated_to_the_current_version()
    {
        Assert.False(Directory.Exists(_state.Directory));
        await using (await _state.OpenAsync())
        {
        }

        Assert.True(File.Exists(_state.DatabasePath));
        Assert.Equal((long)StateSchema.CurrentVersion, await RawDatabase.ScalarAsync(_state.DatabasePath, "PRAGMA user_version;"));
        Assert.Equal("wal", await RawDatabase.ScalarAsync(_state.DatabasePath, "PRAGMA journal_mode;"));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Reopening_a_current_database_keeps_its_version_and_rows()
    {
        await using (var store = await _state.OpenAsync())
        {
            await store.PutAsync(Sample(), CancellationToken.None);
        }

        for (var i = 0; i < 3; i++)
        {
            await using var again = await _state.OpenAsync();
            Assert.Single(await again.LoadResourcesAsync(CancellationToken.None));
            Assert.Equal(1, await again.GetSerialAsync(CancellationToken.None));
        }

        Assert.Equal((long)StateSchema.CurrentVersion, await RawDatabase.ScalarAsync(_state.DatabasePath, "PRAGMA user_version;"));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_state_of_the_previous_schema_version_is_upgraded_in_place_keeping_its_rows_with_no_dependencies()
    {
        var previous = StateSchema.CurrentVersion - 1;
        await RawDatabase.CreateAtVersionAsync(_state.DatabasePath, previous);
        await RawDatabase.ScalarAsync(
            _state.DatabasePath,
            """
            INSERT INTO resources (id, type, provider, node, inputs, outputs, status, created_at, updated_at, last_run_id)
            VALUES ('node.web1', 'nixos.system', 'nixos', 'web1', '{"goal":"switch"}', '{"generation":3}', 'failed',
                    '2025-03-01T12:00:00.0000000+00:00', '2025-03-02T12:00:00.0000000+00:00', NULL);
            UPDATE meta SET serial = 5;
            """);

        await using var store = await _state.OpenAsync();
        var row = await store.GetAsync("node.web1", CancellationToken.None);

        Assert.Equal((long)StateSchema.CurrentVersion, await RawDatabase.ScalarAsync(_state.DatabasePath, "PRAGMA user_version;"));
        Assert.NotNull(row);
        Assert.Equal(("nixos.system", "web1", ResourceStatus.Failed), (row!.Type, row.Node, row.Status));
        Assert.Equal("""{"goal":"switch"}""", row.Inputs.GetRawText());
        Assert.Equal("""{"generation":3}""", row.Outputs.GetRawText());
        Assert.Empty(row.Dependencies);
        Assert.Equal(5, await store.GetSerialAsync(CancellationToken.None));

        await store.PutAsync(row with { Dependencies = ["node.db1"] }, CancellationToken.None);
        Assert.Equal<string>(["node.db1"], (await store.GetAsync("node.web1", CancellationToken.None))!.Dependencies);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_database_written_by_a_newer_fleet_is_refused_with_a_clear_message()
    {
        await using (await _state.OpenAsync())
        {
        }

        await RawDatabase.ScalarAsync(_state.DatabasePath, $"PRAGMA user_version = {StateSchema.CurrentVersion + 1};");

        var e = await Assert.ThrowsAsync<StateException>(_state.OpenAsync);
        Assert.Contains("newer fleet", e.Message, StringComparison.Ordinal);
        Assert.Contains($"schema version {StateSchema.CurrentVersion + 1}", e.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task The_serial_increments_on_each_change_and_not_on_reads()
    {
        await using var store = await _state.OpenAsync();
        var ct = CancellationToken.None;
        Assert.Equal(0, await store.GetSerialAsync(ct));

        await store.PutAsync(Sample("a"), ct);
        Assert.Equal(1, await store.GetSerialAsync(ct));
        await store.PutAsync(Sample("b"), ct);
        await store.PutAsync(Sample("a", ResourceStatus.Failed), ct);
        Assert.Equal(3, await store.GetSerialAsync(ct));

        _ = await store.LoadResourcesAsync(ct);
        _ = await store.GetAsync("a", ct);
        var run = await store.BeginRunAsync("plan", "", ct);
        await store.AppendEventAsync(run, "a", "note", "looked", ct);
        await store.FinishRunAsync(run, "ok", ct);
        await using (await store.AcquireLockAsync("test", ct))
        {
        }

        Assert.Equal(3, await store.GetSerialAsync(ct));

        await store.RemoveAsync("a", ct);
        Assert.Equal(4, await store.GetSerialAsync(ct));
        await store.RemoveAsync("never-there", ct);
        Assert.Equal(4, await store.GetSerialAsync(ct));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Runs_and_their_events_are_listed_newest_run_first_and_events_in_order()
    {
        await using var store = await _state.OpenAsync();
        var ct = CancellationToken.None;
        var first = await store.BeginRunAsync("apply", "--on web1", ct);
        await store.AppendEventAsync(first, "nixos.system/web1", "create", "started", ct);
        await store.AppendEventAsync(first, null, "note", "all done", ct);
        await store.FinishRunAsync(first, "succeeded", ct);
        var second = await store.BeginRunAsync("destroy", "", ct);
        await store.PutAsync(Sample(run: second), ct);

        var runs = await store.ListRunsAsync(10, ct);
        var events = await store.GetEventsAsync(first, ct);

        Assert.Equal([second, first], runs.Select(r => r.Id));
        Assert.Null(runs[0].Outcome);
        Assert.Null(runs[0].FinishedAt);
        Assert.Equal("succeeded", runs[1].Outcome);
        Assert.Equal("--on web1", runs[1].Arguments);
        Assert.Contains($"pid {Environment.ProcessId}", runs[1].Holder, StringComparison.Ordinal);
        Assert.Equal([1L, 2L], events.Select(e => e.Seq));
        Assert.Equal(["started", "all done"], events.Select(e => e.Message));
        Assert.Equal("nixos.system/web1", events[0].ResourceId);
        Assert.Null(events[1].ResourceId);
        Assert.Equal(second, (await store.GetAsync(Sample().Id, ct))!.LastRunId);
        Assert.Single(await store.ListRunsAsync(1, ct));
    }
}
