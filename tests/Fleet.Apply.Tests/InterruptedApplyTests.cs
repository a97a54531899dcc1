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
        // Three creates pass, every later one is held until the provider goes. Each resource is
        // committed before its slot takes the next, so the fifth create starting means exactly
        // three are in state and two are in flight when fleet is killed.
        var spec = _ws.Command("apply", "--plain", "--parallel", "2")
            .WithEnvironment("FLEET_DUMMY_HOLD_FILE", _ws.File("never"))
            .WithEnvironment("FLEET_DUMMY_UNHELD_CREATES", "3");
        using var first = new Fleet.Processes.ProcessRunner().Start(spec);
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (StartedCreates() < 5)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the apply did not reach its fifth create; calls: {string.Join(", ", Calls())}");
            await Task.Delay(50);
        }

        first.Kill(entireProcessTree: false);
        await first.WaitForExitAsync();

        var midway = await _ws.RunAsync("state", "list", "--json");
        Assert.Equal(0, midway.ExitCode);
        Assert.Equal(3, JsonDocument.Parse(midway.StandardOutput).RootElement.GetArrayLength());

        var second = await new Fleet.Processes.ProcessRunner().RunAsync(
            _ws.Command("apply", "--plain").WithEnvironment("FLEET_DUMMY_DELAY_MS", "0"), CancellationToken.None);

        Assert.Equal(0, second.ExitCode);
        Assert.Contains("recovered a stale lock", second.StandardError, StringComparison.Ordinal);
        var after = await _ws.RunAsync("state", "list", "--json");
        Assert.Equal(8, JsonDocument.Parse(after.StandardOutput).RootElement.GetArrayLength());
        var again = await _ws.RunAsync("plan");
        Assert.Contains("No changes", again.StandardOutput, StringComparison.Ordinal);
    }

    private string[] Calls() => File.Exists(_ws.DummyCallLog) ? File.ReadAllLines(_ws.DummyCallLog) : [];

    private int StartedCreates() => Calls().Count(line => line.StartsWith("start create ", StringComparison.Ordinal));

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_second_apply_is_refused_while_the_first_holds_the_lock()
    {
        _ws.WriteFleet($$"""
              providers.slow.command = [ {{FleetWorkspace.DummyProvider("slow", "slow")}} ];
              resources.t1 = { type = "slow.thing"; inputs = { name = "t1"; value = "v1"; }; };
            """);
        // The first apply holds the lock once it reports its resource started (that is after
        // planning, under the lock), and keeps it while the provider's create is held, until the
        // second apply has been answered.
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = _ws.File("release");
        var first = new Fleet.Processes.ProcessRunner().RunAsync(
            _ws.Command("apply", "--plain").WithEnvironment("FLEET_DUMMY_HOLD_FILE", release),
            CancellationToken.None,
            onStandardErrorLine: line =>
            {
                if (line.Contains("[t1] create: started", StringComparison.Ordinal))
                {
                    holding.TrySetResult();
                }
            });
        await holding.Task.WaitAsync(TimeSpan.FromMinutes(2));

        var second = await _ws.RunAsync("apply", "--plain");
        File.WriteAllText(release, "");

        Assert.Equal(2, second.ExitCode);
        Assert.Contains("lock", second.StandardError, StringComparison.OrdinalIgnoreCase);
        var finished = await first;
        Assert.Contains($"pid ", second.StandardError, StringComparison.Ordinal);
        Assert.Equal(0, finished.ExitCode);
    }
}
