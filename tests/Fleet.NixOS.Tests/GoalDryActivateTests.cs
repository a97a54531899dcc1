namespace Fleet.NixOS.Tests;

/// <summary>
/// Goal dry-activate: says which units the new system would stop, restart and start, and changes
/// nothing: no profile, no activation, no health checks, no wait for confirmation.
/// </summary>
[Trait("Category", "Integration")]
public sealed class GoalDryActivateTests
{
    private static readonly FleetFile s_fleet = FleetFile.For("a");

    /// <summary>v2 adds a unit and moves the web service to port 8081, where no health check looks.</summary>
    private static readonly FleetFile s_v2 = s_fleet.With("a", """
        test.version = "v2";
        test.port = 8081;
        systemd.services.extra = { wantedBy = [ "multi-user.target" ]; script = "exec sleep 600"; };
        """);

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Goal_dry_activate_prints_the_units_that_would_change_and_changes_nothing_on_the_node()
    {
        await using var fleet = await TestbedFleet.UpAsync("a");
        await fleet.ApplyAsync(s_fleet);
        var before = await GoalNode.ReadAsync(fleet, "a");
        var outputsBefore = await GoalNode.OutputsAsync(fleet, "a");

        fleet.Write(s_v2);
        var apply = await fleet.FleetAsync("apply", "--plain", "--goal", "dry-activate");

        Assert.True(apply.ExitCode == 0, apply.StandardOutput + apply.StandardError);
        Assert.Contains("would restart the following units: web.service", apply.StandardOutput + apply.StandardError, StringComparison.Ordinal);
        Assert.Contains("would start the following units: extra.service", apply.StandardOutput + apply.StandardError, StringComparison.Ordinal);
        Assert.Equal(before, await GoalNode.ReadAsync(fleet, "a"));
        Assert.Equal("a v1", await fleet.PageAsync("a"));
        Assert.Equal("inactive", await GoalNode.UnitStateAsync(fleet, "a", "extra"));
        var outputs = await GoalNode.OutputsAsync(fleet, "a");
        Assert.Equal(before.CurrentSystem, GoalNode.String(outputs, "systemPath"));
        Assert.Equal(before.Generation, outputs.GetProperty("generation").GetInt32());
        Assert.Equal(GoalNode.String(outputsBefore, "activatedAt"), GoalNode.String(outputs, "activatedAt"));
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Goal_dry_activate_runs_no_health_check_waits_for_no_confirmation_and_keeps_the_last_activation()
    {
        await using var fleet = await TestbedFleet.UpAsync("a");
        await fleet.ApplyAsync(s_fleet);
        var last = (await fleet.AgentStatusAsync("a")).GetProperty("lastActivation").GetProperty("id").GetString();

        fleet.Write(s_v2);
        var apply = await fleet.FleetAsync("apply", "--plain", "--goal", "dry-activate");

        Assert.True(apply.ExitCode == 0, apply.StandardOutput + apply.StandardError);
        // The run's full log has every line the provider logged: no health check ran.
        Assert.DoesNotContain("health:", (await fleet.FleetAsync("state", "log")).StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("confirming", apply.StandardOutput + apply.StandardError, StringComparison.Ordinal);
        Assert.Equal(last, (await fleet.AgentStatusAsync("a")).GetProperty("lastActivation").GetProperty("id").GetString());
    }
}
