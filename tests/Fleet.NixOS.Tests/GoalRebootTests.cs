namespace Fleet.NixOS.Tests;

/// <summary>
/// Goal boot with a reboot: the node comes back running the system the profile boots. The testbed
/// emulates the reboot (tests/testbed: every process of the node ends, /run is emptied, the
/// profile's system boots through its init).
/// </summary>
[Trait("Category", "Integration")]
public sealed class GoalRebootTests
{
    private static readonly FleetFile s_fleet = FleetFile.For("a");

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Goal_boot_with_reboot_ends_with_the_node_running_the_new_system_and_its_service()
    {
        await using var fleet = await TestbedFleet.UpAsync("a");
        await fleet.ApplyAsync(s_fleet);
        var before = await GoalNode.ReadAsync(fleet, "a");
        var bootId = await BootIdAsync(fleet);

        fleet.Write(s_fleet.Version("a", "v2"));
        var apply = await fleet.FleetAsync("apply", "--plain", "--goal", "boot", "--reboot");

        Assert.True(apply.ExitCode == 0, apply.StandardOutput + apply.StandardError);
        Assert.NotEqual(bootId, await BootIdAsync(fleet));
        var after = await GoalNode.ReadAsync(fleet, "a");
        Assert.Equal(before.Generation + 1, after.Generation);
        Assert.Equal(after.ProfileSystem, after.CurrentSystem);
        Assert.Equal("a v2", await fleet.PageAsync("a"));
        var outputs = await GoalNode.OutputsAsync(fleet, "a");
        Assert.Equal(after.CurrentSystem, GoalNode.String(outputs, "systemPath"));
        Assert.Equal(after.CurrentSystem, GoalNode.String(outputs, "bootSystem"));
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Health_checks_run_again_after_the_reboot_and_their_failure_fails_the_node_without_a_rollback()
    {
        await using var fleet = await TestbedFleet.UpAsync("a");
        await fleet.ApplyAsync(s_fleet);

        // v2 serves on 8081: the health check on 8080 can only fail once v2 runs, that is after the reboot.
        fleet.Write(s_fleet.With("a", "test.version = \"v2\"; test.port = 8081;"));
        var apply = await fleet.FleetAsync("apply", "--plain", "--goal", "boot", "--reboot");

        Assert.True(apply.ExitCode == 1, apply.StandardOutput + apply.StandardError);
        Assert.Contains("rebooted into", apply.StandardOutput + apply.StandardError, StringComparison.Ordinal);
        Assert.Contains("health checks fail", apply.StandardOutput + apply.StandardError, StringComparison.Ordinal);
        var after = await GoalNode.ReadAsync(fleet, "a");
        Assert.Equal(after.ProfileSystem, after.CurrentSystem);
        Assert.Equal("a v2", await fleet.PageAsync("a", 8081));
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task A_reboot_after_goal_test_comes_back_to_the_profiles_system()
    {
        await using var fleet = await TestbedFleet.UpAsync("a");
        await fleet.ApplyAsync(s_fleet);
        var before = await GoalNode.ReadAsync(fleet, "a");
        fleet.Write(s_fleet.Version("a", "v2"));
        var tested = await fleet.FleetAsync("apply", "--plain", "--goal", "test");
        Assert.True(tested.ExitCode == 0, tested.StandardOutput + tested.StandardError);
        Assert.Equal("a v2", await fleet.PageAsync("a"));

        await RebootAsync(fleet);

        Assert.Equal(before, await GoalNode.ReadAsync(fleet, "a"));
        Assert.Equal("a v1", await fleet.PageAsync("a"));
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Goal_dry_activate_never_reboots_even_when_asked_to()
    {
        await using var fleet = await TestbedFleet.UpAsync("a");
        await fleet.ApplyAsync(s_fleet);
        var bootId = await BootIdAsync(fleet);

        fleet.Write(s_fleet.Version("a", "v2"));
        var apply = await fleet.FleetAsync("apply", "--plain", "--goal", "dry-activate", "--reboot");

        Assert.True(apply.ExitCode == 0, apply.StandardOutput + apply.StandardError);
        Assert.Equal(bootId, await BootIdAsync(fleet));
        Assert.Equal("a v1", await fleet.PageAsync("a"));
    }

    private static async Task<string> BootIdAsync(TestbedFleet fleet)
    {
        var result = await fleet.Testbed.SshAsync("a", "cat /proc/sys/kernel/random/boot_id", CancellationToken.None);
        Assert.True(result.Succeeded, result.StandardError);
        return result.StandardOutput.Trim();
    }

    /// <summary>`systemctl reboot` on the node, then waits until it answers over SSH with a new boot id.</summary>
    private static async Task RebootAsync(TestbedFleet fleet)
    {
        var bootId = await BootIdAsync(fleet);
        await fleet.Testbed.SshAsync("a", "/run/current-system/sw/bin/systemctl reboot", CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var probe = await fleet.Testbed.SshAsync("a", "cat /proc/sys/kernel/random/boot_id", CancellationToken.None);
            if (probe.Succeeded && probe.StandardOutput.Trim() != bootId)
            {
                return;
            }

            await Task.Delay(500);
        }

        Assert.Fail("node a did not come back from the reboot within 60 s");
    }
}
