using System.Text.Json;

namespace Fleet.NixOS.Tests;

/// <summary>A bad new system is rolled back to the exact system that ran before.</summary>
[Trait("Category", "Integration")]
public sealed class RollbackTests
{
    private static readonly FleetFile s_fleet = FleetFile.For("a");

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task A_failing_health_check_rolls_back_to_the_exact_previous_system_and_state_records_the_failure()
    {
        await using var fleet = await TestbedFleet.UpAsync("a");
        await fleet.ApplyAsync(s_fleet);
        var previous = await fleet.CurrentSystemAsync("a");

        var apply = await fleet.ApplyAsync(s_fleet.With("a", "test.version = \"v2\"; test.port = 8081;"));

        Assert.NotEqual(0, apply.ExitCode);
        Assert.Equal(previous, await fleet.CurrentSystemAsync("a"));
        Assert.Equal("a v1", await fleet.PageAsync("a"));
        Assert.Equal("rolled-back-health", (await fleet.AgentStatusAsync("a")).GetProperty("lastActivation").GetProperty("outcome").GetString());
        Assert.Equal("failed", (await fleet.StateAsync("a")).GetProperty("status").GetString());
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task An_activation_that_cuts_the_node_off_is_rolled_back_by_the_node_within_the_confirm_timeout()
    {
        await using var fleet = await TestbedFleet.UpAsync("a");
        await fleet.ApplyAsync(s_fleet);
        var previous = await fleet.CurrentSystemAsync("a");
        // Nothing can confirm: the node rolls back when its 5 s are up, whatever the machine's speed.
        var cutOff = """
            test.version = "v2";
            deployment.rollback.confirmTimeout = lib.mkForce 5;
            system.activationScripts.cutoff = { deps = [ "netup" ]; text = "${pkgs.iproute2}/bin/ip link set eth0 down"; };
            """;

        var apply = await fleet.ApplyAsync(s_fleet.With("a", cutOff));

        Assert.NotEqual(0, apply.ExitCode);
        Assert.Equal(previous, await fleet.CurrentSystemAsync("a"));
        Assert.Equal("a v1", await fleet.PageAsync("a"));
        var last = (await fleet.AgentStatusAsync("a")).GetProperty("lastActivation");
        Assert.Equal("rolled-back-timeout", last.GetProperty("outcome").GetString());
        Assert.StartsWith("no confirmation within 5s;", last.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task A_failing_switch_to_configuration_rolls_back_to_the_previous_system()
    {
        await using var fleet = await TestbedFleet.UpAsync("a");
        await fleet.ApplyAsync(s_fleet);
        var previous = await fleet.CurrentSystemAsync("a");
        var failingUnit = """
            test.version = "v2";
            systemd.services.broken = { wantedBy = [ "multi-user.target" ]; script = "exit 3"; };
            """;

        var apply = await fleet.ApplyAsync(s_fleet.With("a", failingUnit));

        Assert.NotEqual(0, apply.ExitCode);
        Assert.Equal(previous, await fleet.CurrentSystemAsync("a"));
        Assert.Equal("a v1", await fleet.PageAsync("a"));
        Assert.Equal("rolled-back-switch", (await fleet.AgentStatusAsync("a")).GetProperty("lastActivation").GetProperty("outcome").GetString());
    }
}
