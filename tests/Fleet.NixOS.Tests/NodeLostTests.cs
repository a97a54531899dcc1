using Fleet.Processes;

namespace Fleet.NixOS.Tests;

/// <summary>
/// The node's link is cut (`testbed cut`: the host end of its veth goes down, the node runs on
/// unreachable) while fleet copies to it or while it activates.
/// </summary>
[Trait("Category", "Integration")]
public sealed class NodeLostTests
{
    // 128 MiB in the new system's closure, so the copy is still under way when the link goes.
    /// <summary>Version v2 with a 128 MiB path in its closure, so a copy of it takes a while.</summary>
    internal const string BigClosure = """
        test.version = "v2";
        system.activationScripts.big = "test -s ${pkgs.runCommand "fleet-test-big" {} "head -c 134217728 /dev/urandom > $out"}";
        """;

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task A_link_cut_during_the_copy_fails_naming_the_lost_node_and_the_node_keeps_its_system()
    {
        var file = FleetFile.For("a");
        await using var fleet = await TestbedFleet.DeployedAsync(file);
        var before = await fleet.CurrentSystemAsync("a");
        fleet.Write(file.With("a", BigClosure));

        // Cut while the copy is held: the node's receiving end (nix-store --serve) is stopped the
        // moment it starts (a busy loop inside the node), so the copy cannot end before the cut.
        var apply = new ProcessRunner().RunAsync(fleet.FleetCommand(fleet.Dir, "apply", "--plain"), CancellationToken.None);
        var held = await fleet.HoldCopyAsync("a");
        await fleet.TestbedAsync("cut", "a");
        var lost = await apply;
        await fleet.TestbedAsync("mend", "a");
        await fleet.ResumeCopyAsync("a", held);

        var said = lost.StandardOutput + lost.StandardError;
        Assert.True(lost.ExitCode == 1, said);
        Assert.True(said.Contains("the connection to node a (root@a) was lost during the copy", StringComparison.Ordinal), said);
        Assert.Equal(before, await fleet.CurrentSystemAsync("a"));
        Assert.Equal("a v1", await fleet.PageAsync("a"));

        var again = await fleet.FleetAsync("apply", "--plain");
        Assert.True(again.ExitCode == 0, again.StandardOutput + again.StandardError);
        Assert.Equal("a v2", await fleet.PageAsync("a"));
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task A_link_cut_during_the_activation_lets_the_node_roll_back_by_itself_and_fleet_says_so()
    {
        var file = FleetFile.For("a");
        await using var fleet = await TestbedFleet.DeployedAsync(file);
        var before = await fleet.CurrentSystemAsync("a");
        // The activation stays in its health check until the link is cut; then nothing can confirm it.
        fleet.Write(file.With("a", """test.version = "v2"; deployment.rollback.confirmTimeout = lib.mkForce 10; """ + FleetFile.HealthCheckHeldUntil("cut")));

        var apply = new ProcessRunner().RunAsync(fleet.FleetCommand(fleet.Dir, "apply", "--plain"), CancellationToken.None);
        var id = await fleet.PendingActivationAsync("a");
        await fleet.TestbedAsync("cut", "a");
        fleet.Release("a", "cut");
        var lost = await apply;
        var outcome = await fleet.OutcomeAsync("a", id);
        await fleet.TestbedAsync("mend", "a");

        var said = lost.StandardOutput + lost.StandardError;
        Assert.True(lost.ExitCode == 1, said);
        Assert.Contains($"the connection to node a (root@a) was lost during activation {id}", said, StringComparison.Ordinal);
        Assert.Contains("rolls back", said, StringComparison.Ordinal);
        Assert.Equal("rolled-back-timeout", outcome);
        Assert.Equal(before, await fleet.CurrentSystemAsync("a"));
        Assert.Equal("a v1", await fleet.PageAsync("a"));

        fleet.Write(file.Version("a", "v2"));
        var again = await fleet.FleetAsync("apply", "--plain");
        Assert.True(again.ExitCode == 0, again.StandardOutput + again.StandardError);
        Assert.Equal("a v2", await fleet.PageAsync("a"));
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Fleet_killed_during_the_copy_leaves_the_node_on_its_system_and_the_next_apply_converges()
    {
        var file = FleetFile.For("a");
        await using var fleet = await TestbedFleet.DeployedAsync(file);
        var before = await fleet.CurrentSystemAsync("a");
        fleet.Write(file.With("a", BigClosure));

        using var apply = fleet.StartFleet("apply", "--plain");
        var held = await fleet.HoldCopyAsync("a");
        await TestbedFleet.KillAsync(apply);
        await fleet.ResumeCopyAsync("a", held);

        // Nothing was activated: the node runs what it ran, and nothing of the new system is pending.
        Assert.Equal(before, await fleet.CurrentSystemAsync("a"));
        Assert.Equal("a v1", await fleet.PageAsync("a"));
        var status = await fleet.AgentStatusAsync("a");
        Assert.False(TestbedFleet.IsPending(status), status.GetRawText());

        var again = await fleet.FleetAsync("apply", "--plain");
        Assert.True(again.ExitCode == 0, again.StandardOutput + again.StandardError);
        Assert.Contains("recovered a stale lock", again.StandardError, StringComparison.Ordinal);
        Assert.Equal("a v2", await fleet.PageAsync("a"));
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Fleet_killed_during_the_activation_leaves_the_node_to_roll_back_by_itself_and_the_next_apply_converges()
    {
        var file = FleetFile.For("a");
        await using var fleet = await TestbedFleet.DeployedAsync(file);
        var before = await fleet.CurrentSystemAsync("a");
        fleet.Write(file.With("a", """test.version = "v2"; deployment.rollback.confirmTimeout = lib.mkForce 10; """ + FleetFile.HealthCheckHeldUntil("killed")));

        using var apply = fleet.StartFleet("apply", "--plain");
        var id = await fleet.PendingActivationAsync("a");
        await TestbedFleet.KillAsync(apply);
        fleet.Release("a", "killed");
        var outcome = await fleet.OutcomeAsync("a", id);

        // Nobody confirmed. The nixos provider, its own session, outlives fleet: at the end of its
        // stdin it cancels its calls, and a cancelled activation tells the node to roll back at once
        // (rolled-back-manual); had that failed, the agent rolls back by itself at its confirm
        // timeout (rolled-back-timeout). Either way the node runs what it ran before.
        Assert.Contains(outcome, new[] { "rolled-back-manual", "rolled-back-timeout" });
        Assert.Equal(before, await fleet.CurrentSystemAsync("a"));
        Assert.Equal("a v1", await fleet.PageAsync("a"));

        fleet.Write(file.Version("a", "v2"));
        var again = await fleet.FleetAsync("apply", "--plain");
        Assert.True(again.ExitCode == 0, again.StandardOutput + again.StandardError);
        Assert.Contains("recovered a stale lock", again.StandardError, StringComparison.Ordinal);
        Assert.Equal("a v2", await fleet.PageAsync("a"));
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Fleet_killed_while_the_node_awaits_confirmation_leaves_it_to_roll_back_by_itself_and_the_next_apply_converges()
    {
        var file = FleetFile.For("a");
        await using var fleet = await TestbedFleet.DeployedAsync(file);
        var before = await fleet.CurrentSystemAsync("a");
        fleet.Write(file.With("a", """test.version = "v2"; deployment.rollback.confirmTimeout = lib.mkForce 10; """ + FleetFile.HealthCheckHeldUntil("checked")));

        // The node's sshd stops listening while the activation sits in its health check: the
        // session running it goes on, but no new connection (the confirmation, or a `reject`) gets
        // in. Released, the node awaits a confirmation that cannot come; then fleet is killed.
        using var apply = fleet.StartFleet("apply", "--plain");
        var id = await fleet.PendingActivationAsync("a");
        await fleet.TestbedAsync("stop-sshd", "a");
        fleet.Release("a", "checked");
        await fleet.PendingActivationAsync("a", "awaiting-confirmation");
        await TestbedFleet.KillAsync(apply);
        var outcome = await fleet.OutcomeAsync("a", id);
        await fleet.TestbedAsync("restart-sshd", "a");

        Assert.Equal("rolled-back-timeout", outcome);
        Assert.Equal(before, await fleet.CurrentSystemAsync("a"));
        Assert.Equal("a v1", await fleet.PageAsync("a"));

        fleet.Write(file.Version("a", "v2"));
        var again = await fleet.FleetAsync("apply", "--plain");
        Assert.True(again.ExitCode == 0, again.StandardOutput + again.StandardError);
        Assert.Contains("recovered a stale lock", again.StandardError, StringComparison.Ordinal);
        Assert.Equal("a v2", await fleet.PageAsync("a"));
    }
}
