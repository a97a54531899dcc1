using System.Text.Json;
using Fleet.Testbed;

namespace Fleet.NixOS.Tests;

/// <summary>
/// Ctrl-C at a terminal (<see cref="TerminalSession"/>: SIGINT to fleet's whole foreground process
/// group, as a terminal sends it) while a node's activation is held in its health check.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CtrlCActivationTests
{
    private const string Held = "release-ctrl-c";

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Ctrl_C_once_during_a_health_check_lets_the_node_confirm_its_new_system_and_exits_130()
    {
        var file = FleetFile.For("a");
        await using var fleet = await TestbedFleet.DeployedAsync(file);
        fleet.Write(file.With("a", "test.version = \"v2\";\n" + FleetFile.HealthCheckHeldUntil(Held)));
        await using var terminal = TerminalSession.Start(fleet.FleetCommand(fleet.Dir, "apply", "--plain"));
        await terminal.WaitForLineAsync("[node.a] health-checks");

        await terminal.InterruptAsync();
        await terminal.WaitForLineAsync("interrupted: starting nothing new");
        fleet.Release("a", Held);
        var exit = await terminal.WaitForExitAsync();

        Assert.True(exit == 130, $"exit {exit}:\n{terminal.Output}");
        // The nixos provider and its ssh did not get the terminal's SIGINT: the node was confirmed.
        Assert.Equal("a v2", await fleet.PageAsync("a"));
        Assert.Equal("confirmed", (await fleet.AgentStatusAsync("a")).GetProperty("lastActivation").GetProperty("outcome").GetString());
        var state = await fleet.StateAsync("a");
        Assert.Equal("ready", state.GetProperty("status").GetString());
        Assert.Equal(await fleet.CurrentSystemAsync("a"), state.GetProperty("outputs").GetProperty("systemPath").GetString());
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Ctrl_C_twice_during_a_health_check_makes_the_node_roll_back_at_once_and_state_says_what_it_runs()
    {
        var file = FleetFile.For("a");
        await using var fleet = await TestbedFleet.DeployedAsync(file);
        var before = await fleet.CurrentSystemAsync("a");
        // Ten minutes to confirm: a rollback within this test can only be the one fleet asked for.
        fleet.Write(file.With("a", "test.version = \"v2\";\ndeployment.rollback.confirmTimeout = lib.mkForce 600;\n" + FleetFile.HealthCheckHeldUntil(Held)));
        await using var terminal = TerminalSession.Start(fleet.FleetCommand(fleet.Dir, "apply", "--plain"));
        await terminal.WaitForLineAsync("[node.a] health-checks");

        await terminal.InterruptAsync();
        await terminal.WaitForLineAsync("interrupted: starting nothing new");
        await terminal.InterruptAsync();
        await terminal.WaitForLineAsync("interrupted again: cancelling running steps");
        var exit = await terminal.WaitForExitAsync();

        Assert.True(exit == 130, $"exit {exit}:\n{terminal.Output}");
        var last = await fleet.LastActivationAsync("a");
        Assert.True(last.GetProperty("outcome").GetString() == "rolled-back-manual", last.GetRawText() + "\n" + terminal.Output);
        Assert.Equal(before, await fleet.CurrentSystemAsync("a"));
        Assert.Equal("a v1", await fleet.PageAsync("a"));
        // The node runs the system it ran before; so says its state row (kept, marked failed, so the next plan retries).
        var state = await fleet.StateAsync("a");
        Assert.Equal(before, state.GetProperty("outputs").GetProperty("systemPath").GetString());
        Assert.Equal("failed", state.GetProperty("status").GetString());
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Ctrl_C_once_during_the_copy_lets_the_copy_and_the_activation_finish_and_exits_130()
    {
        var file = FleetFile.For("a");
        await using var fleet = await TestbedFleet.DeployedAsync(file);
        fleet.Write(file.With("a", NodeLostTests.BigClosure));
        await using var terminal = TerminalSession.Start(fleet.FleetCommand(fleet.Dir, "apply", "--plain"));
        var held = await fleet.HoldCopyAsync("a");

        await terminal.InterruptAsync();
        await terminal.WaitForLineAsync("interrupted: starting nothing new");
        await fleet.ResumeCopyAsync("a", held);
        var exit = await terminal.WaitForExitAsync();

        Assert.True(exit == 130, $"exit {exit}:\n{terminal.Output}");
        Assert.Equal("a v2", await fleet.PageAsync("a"));
        Assert.Equal("confirmed", (await fleet.AgentStatusAsync("a")).GetProperty("lastActivation").GetProperty("outcome").GetString());
        Assert.Equal("ready", (await fleet.StateAsync("a")).GetProperty("status").GetString());
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Ctrl_C_twice_during_the_copy_cancels_it_and_the_node_keeps_its_system()
    {
        var file = FleetFile.For("a");
        await using var fleet = await TestbedFleet.DeployedAsync(file);
        var before = await fleet.CurrentSystemAsync("a");
        var activations = (await fleet.AgentStatusAsync("a")).GetProperty("lastActivation").GetRawText();
        fleet.Write(file.With("a", NodeLostTests.BigClosure));
        await using var terminal = TerminalSession.Start(fleet.FleetCommand(fleet.Dir, "apply", "--plain"));
        var held = await fleet.HoldCopyAsync("a");

        await terminal.InterruptAsync();
        await terminal.WaitForLineAsync("interrupted: starting nothing new");
        await terminal.InterruptAsync();
        await terminal.WaitForLineAsync("interrupted again: cancelling running steps");
        var exit = await terminal.WaitForExitAsync();
        await fleet.ResumeCopyAsync("a", held);

        Assert.True(exit == 130, $"exit {exit}:\n{terminal.Output}");
        // Nothing was activated: the node's last activation is still the first apply's.
        Assert.Equal(before, await fleet.CurrentSystemAsync("a"));
        Assert.Equal("a v1", await fleet.PageAsync("a"));
        Assert.Equal(activations, (await fleet.AgentStatusAsync("a")).GetProperty("lastActivation").GetRawText());
        Assert.Equal(before, (await fleet.StateAsync("a")).GetProperty("outputs").GetProperty("systemPath").GetString());
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Ctrl_C_three_times_during_a_health_check_exits_at_once_and_the_node_rolls_back_by_itself()
    {
        var file = FleetFile.For("a");
        await using var fleet = await TestbedFleet.DeployedAsync(file);
        var before = await fleet.CurrentSystemAsync("a");
        fleet.Write(file.With("a", "test.version = \"v2\";\ndeployment.rollback.confirmTimeout = lib.mkForce 10;\n" + FleetFile.HealthCheckHeldUntil(Held)));
        await using var terminal = TerminalSession.Start(fleet.FleetCommand(fleet.Dir, "apply", "--plain"));
        await terminal.WaitForLineAsync("[node.a] health-checks");
        var id = await fleet.PendingActivationAsync("a");

        await terminal.InterruptAsync();
        await terminal.WaitForLineAsync("interrupted: starting nothing new");
        await terminal.InterruptAsync();
        await terminal.WaitForLineAsync("interrupted again: cancelling running steps");
        await terminal.InterruptAsync();
        var exit = await terminal.WaitForExitAsync();
        // What fleet started died with it (SIGKILL to every group): its shared SSH connection too.
        await fleet.WaitUntilNoSshAsync(TimeSpan.FromSeconds(60));
        fleet.Release("a", Held);
        var outcome = await fleet.OutcomeAsync("a", id);

        Assert.True(exit == 130, $"exit {exit}:\n{terminal.Output}");
        Assert.Single(terminal.Lines, l => l.Contains("interrupted a third time: exiting now", StringComparison.Ordinal));
        Assert.DoesNotContain(terminal.Lines, l => l.StartsWith("Apply: ", StringComparison.Ordinal));
        // Nobody confirmed: the node went back by itself at its confirm timeout, unless the second
        // Ctrl-C's `reject` reached it first. Nothing is left half-switched.
        Assert.Contains(outcome, new[] { "rolled-back-timeout", "rolled-back-manual" });
        Assert.Equal(before, await fleet.CurrentSystemAsync("a"));
        Assert.Equal("a v1", await fleet.PageAsync("a"));
        Assert.False(TestbedFleet.IsPending(await fleet.AgentStatusAsync("a")));

        fleet.Write(file.Version("a", "v2"));
        var again = await fleet.FleetAsync("apply", "--plain");
        Assert.True(again.ExitCode == 0, again.StandardOutput + again.StandardError);
        Assert.Equal("a v2", await fleet.PageAsync("a"));
    }
}
