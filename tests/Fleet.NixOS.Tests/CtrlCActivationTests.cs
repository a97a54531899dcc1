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
        await using var fleet = await TestbedFleet.UpAsync("a");
        var file = FleetFile.For("a");
        var first = await fleet.ApplyAsync(file);
        Assert.True(first.ExitCode == 0, first.StandardOutput + first.StandardError);
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
        await using var fleet = await TestbedFleet.UpAsync("a");
        var file = FleetFile.For("a");
        var first = await fleet.ApplyAsync(file);
        Assert.True(first.ExitCode == 0, first.StandardOutput + first.StandardError);
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
        var last = await LastActivationAsync(fleet, "a");
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
        await using var fleet = await TestbedFleet.UpAsync("a");
        var file = FleetFile.For("a");
        var first = await fleet.ApplyAsync(file);
        Assert.True(first.ExitCode == 0, first.StandardOutput + first.StandardError);
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
        await using var fleet = await TestbedFleet.UpAsync("a");
        var file = FleetFile.For("a");
        var first = await fleet.ApplyAsync(file);
        Assert.True(first.ExitCode == 0, first.StandardOutput + first.StandardError);
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

    /// <summary>The node's last activation once none is pending (polled: its rollback may still be running; far less than the confirm timeout).</summary>
    private static async Task<JsonElement> LastActivationAsync(TestbedFleet fleet, string node)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var status = await fleet.AgentStatusAsync(node);
            if (!status.TryGetProperty("pending", out var pending) || pending.ValueKind != JsonValueKind.Object)
            {
                return status.GetProperty("lastActivation").Clone();
            }

            Assert.True(DateTime.UtcNow < deadline, "the activation is still pending on the node: " + status.GetRawText());
            await Task.Delay(200);
        }
    }
}
