namespace Fleet.State.Tests;

/// <summary>A run's log lines are queued and written in batches, in order with the run's milestones.</summary>
public sealed class RunLogBatchTests : IDisposable
{
    private readonly TemporaryState _state = new();

    public void Dispose() => _state.Dispose();

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Queued_log_lines_are_written_before_the_next_appended_event_in_the_order_they_came()
    {
        var ct = CancellationToken.None;
        long run;
        await using (var store = await _state.OpenAsync())
        {
            run = await store.BeginRunAsync("apply", "", ct);
            store.QueueEvent(run, "node.a", "log", "building");
            store.QueueEvent(run, "node.a", "log", "copying");
            await store.AppendEventAsync(run, "node.a", "failed", "health check failed", ct);
        }

        await using var reopened = await _state.OpenAsync();
        var events = await reopened.GetEventsAsync(run, ct);

        Assert.Equal(["building", "copying", "health check failed"], events.Select(e => e.Message));
        Assert.Equal([1L, 2L, 3L], events.Select(e => e.Seq));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_full_batch_of_queued_lines_is_written_without_waiting_for_the_run_to_end()
    {
        var ct = CancellationToken.None;
        await using var store = await _state.OpenAsync();
        var run = await store.BeginRunAsync("apply", "", ct);
        for (var i = 0; i < StateStore.EventBatch; i++)
        {
            store.QueueEvent(run, "node.a", "log", $"line {i}");
        }

        // Another connection (`fleet state log` in another terminal) sees them: they are in the database.
        await using var other = await _state.OpenAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var seen = 0;
        while ((seen = (await other.GetEventsAsync(run, ct)).Length) < StateStore.EventBatch && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, ct);
        }

        Assert.Equal(StateStore.EventBatch, seen);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Disposing_the_store_writes_what_is_still_queued()
    {
        var ct = CancellationToken.None;
        long run;
        await using (var store = await _state.OpenAsync())
        {
            run = await store.BeginRunAsync("apply", "", ct);
            store.QueueEvent(run, null, "stderr", "last words");
        }

        await using var reopened = await _state.OpenAsync();

        Assert.Equal(["last words"], (await reopened.GetEventsAsync(run, ct)).Select(e => e.Message));
    }
}
