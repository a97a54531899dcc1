using Fleet.Testbed;

namespace Fleet.Apply.Tests;

/// <summary>A provider's children live and die with it: when the provider dies, nothing it started is left running.</summary>
public sealed class ContainmentTests : IDisposable
{
    private readonly FleetWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_provider_killed_while_its_child_runs_leaves_no_child_behind()
    {
        _ws.WriteFleet($$"""
              providers.slow.command = [ {{FleetWorkspace.DummyProvider("slow", "slow")}} ];
              resources.t1 = { type = "slow.thing"; inputs = { name = "t1"; value = "v1"; }; };
            """);
        var providerPid = _ws.File("provider.pid");
        var childPid = _ws.File("child.pid");
        // The held create runs a child (`sleep`), as a real provider runs ssh or nix.
        var apply = new Fleet.Processes.ProcessRunner().RunAsync(
            _ws.Command("apply", "--plain")
                .WithEnvironment("FLEET_DUMMY_HOLD_FILE", _ws.File("never"))
                .WithEnvironment("FLEET_DUMMY_PID_FILE", providerPid)
                .WithEnvironment("FLEET_DUMMY_CHILD_PID_FILE", childPid),
            CancellationToken.None);
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!File.Exists(childPid))
        {
            Assert.False(apply.IsCompleted, "fleet ended before the provider started its child");
            Assert.True(DateTime.UtcNow < deadline, "the provider did not start its child");
            await Task.Delay(50);
        }

        var child = int.Parse(File.ReadAllText(childPid), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(LiveProcesses.IsRunning(child));
        // The provider dies as a crash or the OOM killer would end it: no chance to clean up.
        System.Diagnostics.Process.GetProcessById(int.Parse(File.ReadAllText(providerPid), System.Globalization.CultureInfo.InvariantCulture)).Kill();
        var result = await apply;

        Assert.True(result.ExitCode == 1, $"exit {result.ExitCode}:\n{result.StandardError}");
        Assert.Contains("crashed", result.StandardOutput + result.StandardError, StringComparison.Ordinal);
        await LiveProcesses.WaitUntilGoneAsync(child, "the provider's child");
    }
}
