using Fleet.Testbed;

namespace Fleet.NixOS.Tests;

/// <summary>
/// Ctrl-C at a terminal (<see cref="TerminalSession"/>) while fleet plans: the plan's refresh of a
/// deployed node (`fleet-agent status` over SSH) is held on the node until the test releases it.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CtrlCPlanningTests
{
    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Ctrl_C_once_during_planning_stops_plan_and_apply_with_130_and_changes_nothing()
    {
        var file = FleetFile.For("a");
        await using var fleet = await TestbedFleet.DeployedAsync(file);
        var before = await fleet.CurrentSystemAsync("a");
        var row = (await fleet.StateAsync("a")).GetRawText();
        fleet.Write(file.Version("a", "v2"));

        foreach (var command in new[] { new[] { "plan" }, ["apply", "--plain"] })
        {
            var verb = command[0];
            await fleet.HoldAgentStatusAsync("a");
            await using var terminal = TerminalSession.Start(fleet.FleetCommand(fleet.Dir, command));
            await fleet.HeldAgentStatusAsync("a");

            await terminal.InterruptAsync();
            var exit = await terminal.WaitForExitAsync();
            await fleet.ReleaseAgentStatusAsync("a");

            Assert.True(exit == 130, $"{verb}: exit {exit}:\n{terminal.Output}");
            Assert.Single(terminal.Lines, l => l.Contains("interrupted: stopping", StringComparison.Ordinal));
            Assert.DoesNotContain(terminal.Lines, l => l.StartsWith("Apply: ", StringComparison.Ordinal));
        }

        // Nothing ran on the node and nothing was written: the node, its state row and the lock are as they were.
        Assert.Equal(before, await fleet.CurrentSystemAsync("a"));
        Assert.Equal("a v1", await fleet.PageAsync("a"));
        Assert.Equal(row, (await fleet.StateAsync("a")).GetRawText());
        var again = await fleet.FleetAsync("apply", "--plain");
        Assert.True(again.ExitCode == 0, again.StandardOutput + again.StandardError);
        Assert.DoesNotContain("stale lock", again.StandardError, StringComparison.Ordinal);
        Assert.Equal("a v2", await fleet.PageAsync("a"));
    }
}
