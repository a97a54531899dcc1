namespace Fleet.NixOS.Tests;

/// <summary>
/// Goal boot, as nixos-rebuild boot: a new generation of the system profile and the boot
/// default, nothing activated; state tells what runs now from what boots next.
/// </summary>
[Trait("Category", "Integration")]
public sealed class GoalBootTests
{
    private static readonly FleetFile s_fleet = FleetFile.For("a");

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Goal_boot_makes_a_new_generation_of_the_profile_and_leaves_the_running_system_and_its_service_alone()
    {
        await using var fleet = await TestbedFleet.UpAsync("a");
        await fleet.ApplyAsync(s_fleet);
        var before = await GoalNode.ReadAsync(fleet, "a");
        var activatedAt = GoalNode.String(await GoalNode.OutputsAsync(fleet, "a"), "activatedAt");

        fleet.Write(s_fleet.Version("a", "v2"));
        var apply = await fleet.FleetAsync("apply", "--plain", "--goal", "boot");

        Assert.True(apply.ExitCode == 0, apply.StandardOutput + apply.StandardError);
        var after = await GoalNode.ReadAsync(fleet, "a");
        Assert.Equal(before.Generation + 1, after.Generation);
        Assert.Equal("a v2", after.ProfilePage);
        Assert.Equal(before.CurrentSystem, after.CurrentSystem);
        Assert.Equal("a v1", await fleet.PageAsync("a"));
        var outputs = await GoalNode.OutputsAsync(fleet, "a");
        Assert.Equal(before.CurrentSystem, GoalNode.String(outputs, "systemPath"));
        Assert.Equal(after.ProfileSystem, GoalNode.String(outputs, "bootSystem"));
        Assert.Equal(after.Generation, outputs.GetProperty("generation").GetInt32());
        Assert.Equal(activatedAt, GoalNode.String(outputs, "activatedAt"));
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task A_node_whose_goal_is_boot_plans_no_changes_once_its_new_system_is_set_to_boot()
    {
        await using var fleet = await TestbedFleet.UpAsync("a");
        await fleet.ApplyAsync(s_fleet);
        var boot = s_fleet.With("a", "test.version = \"v2\"; deployment.goal = \"boot\";");
        var apply = await fleet.ApplyAsync(boot);
        Assert.True(apply.ExitCode == 0, apply.StandardOutput + apply.StandardError);
        var booted = await GoalNode.ReadAsync(fleet, "a");

        var plan = await fleet.FleetAsync("plan");
        var again = await fleet.ApplyAsync(boot);

        Assert.Equal(0, plan.ExitCode);
        Assert.Contains("No changes", plan.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("No changes", again.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(booted, await GoalNode.ReadAsync(fleet, "a"));
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task A_plan_after_goal_boot_says_the_node_boots_the_new_system_but_runs_the_old_one()
    {
        await using var fleet = await TestbedFleet.UpAsync("a");
        await fleet.ApplyAsync(s_fleet);
        var before = await GoalNode.ReadAsync(fleet, "a");
        fleet.Write(s_fleet.Version("a", "v2"));
        var apply = await fleet.FleetAsync("apply", "--plain", "--goal", "boot");
        Assert.True(apply.ExitCode == 0, apply.StandardOutput + apply.StandardError);
        var after = await GoalNode.ReadAsync(fleet, "a");

        var plan = await fleet.FleetAsync("plan");

        Assert.Equal(0, plan.ExitCode);
        Assert.Contains($"the node runs {before.CurrentSystem} and boots {after.ProfileSystem} next", plan.StandardOutput, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task A_failing_boot_activation_puts_the_profile_back_without_leaving_a_generation()
    {
        await using var fleet = await TestbedFleet.UpAsync("a");
        await fleet.ApplyAsync(s_fleet);
        var before = await GoalNode.ReadAsync(fleet, "a");
        // The new system's bootloader installation fails (switch-to-configuration boot exits 1).
        var failingBootloader = """
            test.version = "v2";
            system.extraSystemBuilderCmds = ''
              mv $out/bin/switch-to-configuration $out/bin/.switch-to-configuration
              printf '#!/bin/sh\ncase "$1" in boot|switch) echo "installing the boot loader failed" >&2; exit 1;; esac\nexec %s "$@"\n' \
                "$out/bin/.switch-to-configuration" >$out/bin/switch-to-configuration
              chmod +x $out/bin/switch-to-configuration
            '';
            """;

        fleet.Write(s_fleet.With("a", failingBootloader));
        var apply = await fleet.FleetAsync("apply", "--plain", "--goal", "boot");

        Assert.NotEqual(0, apply.ExitCode);
        Assert.Contains("installing the boot loader failed", apply.StandardOutput + apply.StandardError, StringComparison.Ordinal);
        Assert.Equal(before, await GoalNode.ReadAsync(fleet, "a"));
        Assert.Equal("a v1", await fleet.PageAsync("a"));
    }
}
