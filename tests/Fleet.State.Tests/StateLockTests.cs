using System.Diagnostics;

namespace Fleet.State.Tests;

public sealed class StateLockTests : IDisposable
{
    private readonly TemporaryState _state = new();

    public void Dispose() => _state.Dispose();

    private static CancellationToken None => CancellationToken.None;

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task The_lock_is_refused_while_a_live_process_holds_it()
    {
        await using (await _state.OpenAsync())
        {
        }

        using var holder = DummyProcess.Start("hold-lock", _state.DatabasePath);
        await holder.ExpectAsync("locked");
        await using var store = await _state.OpenAsync();

        var e = await Assert.ThrowsAsync<StateLockedException>(() => store.AcquireLockAsync("apply", None));

        Assert.Equal(holder.Pid, e.Holder!.Pid);
        Assert.Contains($"pid {holder.Pid}", e.Message, StringComparison.Ordinal);
        Assert.Contains(Environment.MachineName, e.Message, StringComparison.Ordinal);
        Assert.Contains("since", e.Message, StringComparison.Ordinal);
        Assert.Contains("run `fleet state unlock` if you are sure it is gone", e.Message, StringComparison.Ordinal);
        Assert.Equal(holder.Pid, (await store.GetLockHolderAsync(None))!.Pid);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_lock_released_by_its_holder_can_be_taken_again()
    {
        await using var store = await _state.OpenAsync();
        await using (var first = await store.AcquireLockAsync("apply", None))
        {
            Assert.Null(first.RecoveredFrom);
            Assert.Equal("apply", (await store.GetLockHolderAsync(None))!.Purpose);
        }

        Assert.Null(await store.GetLockHolderAsync(None));
        await using var second = await store.AcquireLockAsync("apply", None);
        Assert.Null(second.RecoveredFrom);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_lock_left_by_a_killed_process_is_recovered_and_reported()
    {
        await using (await _state.OpenAsync())
        {
        }

        int deadPid;
        using (var holder = DummyProcess.Start("hold-lock", _state.DatabasePath))
        {
            await holder.ExpectAsync("locked");
            deadPid = holder.Pid;
            await holder.KillAsync();
        }

        await using var store = await _state.OpenAsync();
        Assert.Equal(deadPid, (await store.GetLockHolderAsync(None))!.Pid);

        await using var taken = await store.AcquireLockAsync("apply", None);

        Assert.NotNull(taken.RecoveredFrom);
        Assert.Equal(deadPid, taken.RecoveredFrom!.Pid);
        Assert.Equal("dummy hold", taken.RecoveredFrom.Purpose);
        Assert.Equal(Environment.ProcessId, (await store.GetLockHolderAsync(None))!.Pid);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_lock_whose_pid_now_belongs_to_a_different_process_is_stale()
    {
        using var sleeper = Process.Start("sleep", "60");
        try
        {
            await using var store = await _state.OpenAsync();
            var recycled = new LockHolder("apply", "someone", Environment.MachineName, sleeper.Id,
                DateTimeOffset.UtcNow.AddDays(-3), DateTimeOffset.UtcNow.AddDays(-3));
            await RawDatabase.WriteLockAsync(_state.DatabasePath, recycled, processKey: "another-boot:12345");

            await using var taken = await store.AcquireLockAsync("apply", None);

            Assert.Equal(sleeper.Id, taken.RecoveredFrom!.Pid);
        }
        finally
        {
            sleeper.Kill();
        }
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_lock_held_by_a_live_process_recorded_by_start_time_only_is_refused()
    {
        using var sleeper = Process.Start("sleep", "60");
        try
        {
            await using var store = await _state.OpenAsync();
            var start = new DateTimeOffset(sleeper.StartTime.ToUniversalTime(), TimeSpan.Zero);
            await RawDatabase.WriteLockAsync(_state.DatabasePath, new LockHolder("apply", "someone", Environment.MachineName, sleeper.Id, start, DateTimeOffset.UtcNow));

            var e = await Assert.ThrowsAsync<StateLockedException>(() => store.AcquireLockAsync("apply", None));

            Assert.Equal(sleeper.Id, e.Holder!.Pid);
        }
        finally
        {
            sleeper.Kill();
        }
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_lock_taken_on_another_host_is_refused_even_if_its_pid_is_free_here()
    {
        await using var store = await _state.OpenAsync();
        var elsewhere = new LockHolder("apply", "bob", "elsewhere.example", 999_999, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(-1));
        await RawDatabase.WriteLockAsync(_state.DatabasePath, elsewhere);

        var e = await Assert.ThrowsAsync<StateLockedException>(() => store.AcquireLockAsync("apply", None));

        Assert.Contains("another host", e.Message, StringComparison.Ordinal);
        Assert.Contains("elsewhere.example", e.Message, StringComparison.Ordinal);
        Assert.Equal("elsewhere.example", (await store.GetLockHolderAsync(None))!.Host);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Force_unlock_removes_the_lock_of_any_holder()
    {
        await using var store = await _state.OpenAsync();
        await RawDatabase.WriteLockAsync(_state.DatabasePath, new LockHolder("apply", "bob", "elsewhere.example", 1, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow));

        await store.ForceUnlockAsync(None);

        Assert.Null(await store.GetLockHolderAsync(None));
        await using var taken = await store.AcquireLockAsync("apply", None);
        Assert.Null(taken.RecoveredFrom);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Releasing_a_lock_after_a_forced_unlock_does_not_remove_the_new_holders_lock()
    {
        await using var store = await _state.OpenAsync();
        var first = await store.AcquireLockAsync("apply", None);
        await store.ForceUnlockAsync(None);
        await RawDatabase.WriteLockAsync(_state.DatabasePath, new LockHolder("apply", "bob", "elsewhere.example", 1, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow));

        await first.DisposeAsync();

        Assert.Equal("elsewhere.example", (await store.GetLockHolderAsync(None))!.Host);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Racing_stores_in_one_process_never_both_take_the_lock()
    {
        for (var round = 0; round < 5; round++)
        {
            var stores = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => _state.OpenAsync()));
            try
            {
                using var go = new ManualResetEventSlim();
                var attempts = stores.Select(store => Task.Run(async () =>
                {
                    go.Wait();
                    try
                    {
                        return (StateLock?)await store.AcquireLockAsync("race", None);
                    }
                    catch (StateLockedException)
                    {
                        return null;
                    }
                })).ToArray();
                go.Set();
                var results = await Task.WhenAll(attempts);

                Assert.Single(results, r => r is not null);
            }
            finally
            {
                foreach (var store in stores)
                {
                    await store.DisposeAsync();
                }
            }

            Assert.Null(await RawDatabase.ScalarAsync(_state.DatabasePath, "SELECT pid FROM lock;"));
        }
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Racing_processes_never_both_take_the_lock()
    {
        await using (await _state.OpenAsync())
        {
        }

        var racers = Enumerable.Range(0, 8).Select(_ => DummyProcess.Start("race-lock", _state.DatabasePath, "4000")).ToList();
        try
        {
            foreach (var racer in racers)
            {
                await racer.ExpectAsync("ready");
            }

            await Task.WhenAll(racers.Select(r => r.WriteLineAsync("go")));
            var outcomes = await Task.WhenAll(racers.Select(r => r.ReadLineAsync(TimeSpan.FromSeconds(30))));

            Assert.Single(outcomes, o => o == "won");
            Assert.Equal(7, outcomes.Count(o => o == "refused"));
        }
        finally
        {
            foreach (var racer in racers)
            {
                racer.Dispose();
            }
        }
    }
}
