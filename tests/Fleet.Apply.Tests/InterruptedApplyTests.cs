using System.Text.Json;

namespace Fleet.Apply.Tests;

/// <summary>A fleet process killed in the middle of an apply leaves state intact and a lock the next run recovers.</summary>
public sealed class InterruptedApplyTests : IDisposable
{
    private readonly FleetWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Kill_9_mid_apply_then_a_new_apply_recovers_the_stale_lock_and_completes()
    {
        var things = string.Join('\n', Enumerable.Range(1, 8).Select(i =>
            $$"""resources.t{{i}} = { type = "slow.thing"; inputs = { name = "t{{i}}"; value = "v{{i}}"; }; };"""));
        _ws.WriteFleet($$"""
              providers.slow.command = [ {{FleetWorkspace.DummyProvider("slow", "slow")}} ];
              {{things}}
            """);
        var spec = _ws.Command("apply", "--plain", "--parallel", "2").WithEnvironment("FLEET_DUMMY_DELAY_MS", "700");
        using var first = new Fleet.Processes.ProcessRunner().Start(spec);
        var thingsDir = Path.Combine(_ws.Dir, "dummy-things");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(Directory.Exists(thingsDir) && Directory.GetFiles(thingsDir).Length >= 3) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        first.Kill(entireProcessTree: false);
        await first.WaitForExitAsync();

        var midway = await _ws.RunAsync("state", "list", "--json");
        Assert.Equal(0, midway.ExitCode);
        var kept = JsonDocument.Parse(midway.StandardOutput).RootElement.GetArrayLength();
        Assert.InRange(kept, 1, 7);

        var second = await _ws.RunAsync("apply", "--plain");

        Assert.Equal(0, second.ExitCode);
        Assert.Contains("recovered a stale lock", second.StandardError, StringComparison.Ordinal);
        var after = await _ws.RunAsync("state", "list", "--json");
        Assert.Equal(8, JsonDocument.Parse(after.StandardOutput).RootElement.GetArrayLength());
        var again = await _ws.RunAsync("plan");
        Assert.Contains("No changes", again.StandardOutput, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_second_apply_is_refused_while_the_first_holds_the_lock()
    {
        _ws.WriteFleet($$"""
              providers.slow.command = [ {{FleetWorkspace.DummyProvider("slow", "slow")}} ];
              resources.t1 = { type = "slow.thing"; inputs = { name = "t1"; value = "v1"; }; };
            """);
        // The first apply holds the lock once it reports its resource started (that is after
        // planning, under the lock), and keeps it for the provider's 8 s create.
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = new Fleet.Processes.ProcessRunner().RunAsync(
            _ws.Command("apply", "--plain").WithEnvironment("FLEET_DUMMY_DELAY_MS", "8000"),
            CancellationToken.None,
            onStandardErrorLine: line =>
            {
                if (line.Contains("[t1] create: started", StringComparison.Ordinal))
                {
                    holding.TrySetResult();
                }
            });
        await holding.Task.WaitAsync(TimeSpan.FromSeconds(60));

        var second = await _ws.RunAsync("apply", "--plain");

        Assert.Equal(2, second.ExitCode);
        Assert.Contains("lock", second.StandardError, StringComparison.OrdinalIgnoreCase);
        var finished = await first;
        Assert.Contains($"pid ", second.StandardError, StringComparison.Ordinal);
        Assert.Equal(0, finished.ExitCode);
    }
}
