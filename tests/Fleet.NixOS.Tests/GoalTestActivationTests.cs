namespace Fleet.NixOS.Tests;

/// <summary>
/// Goal test, as nixos-rebuild test: the new system is activated now and the system profile is
/// left alone (no generation), so a reboot returns to the profile's system.
/// </summary>
[Trait("Category", "Integration")]
public sealed class GoalTestActivationTests
{
    private static readonly FleetFile s_fleet = FleetFile.For("a");

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Goal_test_activates_the_new_system_and_its_service_without_touching_the_profile()
    {
        await using var fleet = await TestbedFleet.UpAsync("a");
        await fleet.ApplyAsync(s_fleet);
        var before = await GoalNode.ReadAsync(fleet, "a");

        var apply = await ApplyTestAsync(fleet, s_fleet.Version("a", "v2"));

        Assert.True(apply.ExitCode == 0, apply.StandardOutput + apply.StandardError);
        var after = await GoalNode.ReadAsync(fleet, "a");
        Assert.Equal((before.Generation, before.Generations, before.ProfileSystem), (after.Generation, after.Generations, after.ProfileSystem));
        Assert.Equal("a v2", after.CurrentPage);
        Assert.Equal("a v2", await fleet.PageAsync("a"));
        var outputs = await GoalNode.OutputsAsync(fleet, "a");
        Assert.Equal(after.CurrentSystem, GoalNode.String(outputs, "systemPath"));
        Assert.Equal(before.ProfileSystem, GoalNode.String(outputs, "bootSystem"));
        Assert.Equal(before.Generation, outputs.GetProperty("generation").GetInt32());
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task A_failing_test_activation_returns_to_the_exact_system_that_ran_before_and_makes_no_generation()
    {
        await using var fleet = await TestbedFleet.UpAsync("a");
        await fleet.ApplyAsync(s_fleet);
        var tested = await ApplyTestAsync(fleet, s_fleet.Version("a", "v2"));
        Assert.True(tested.ExitCode == 0, tested.StandardOutput + tested.StandardError);
        var before = await GoalNode.ReadAsync(fleet, "a");

        // v3 serves on 8081: the health check on 8080 fails.
        var apply = await ApplyTestAsync(fleet, s_fleet.With("a", "test.version = \"v3\"; test.port = 8081;"));

        Assert.NotEqual(0, apply.ExitCode);
        Assert.Equal(before, await GoalNode.ReadAsync(fleet, "a"));
        Assert.NotEqual(before.ProfileSystem, before.CurrentSystem);
        Assert.Equal("a v2", await fleet.PageAsync("a"));
        Assert.Equal("rolled-back-health", (await fleet.AgentStatusAsync("a")).GetProperty("lastActivation").GetProperty("outcome").GetString());
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Switching_to_the_system_a_test_activated_makes_it_the_profiles_new_generation()
    {
        await using var fleet = await TestbedFleet.UpAsync("a");
        var file = s_fleet.Version("a", "v2");
        await fleet.ApplyAsync(s_fleet);
        var tested = await ApplyTestAsync(fleet, file);
        Assert.True(tested.ExitCode == 0, tested.StandardOutput + tested.StandardError);
        var before = await GoalNode.ReadAsync(fleet, "a");

        var apply = await fleet.ApplyAsync(file);

        Assert.True(apply.ExitCode == 0, apply.StandardOutput + apply.StandardError);
        var after = await GoalNode.ReadAsync(fleet, "a");
        Assert.Equal(before.Generation + 1, after.Generation);
        Assert.Equal(before.CurrentSystem, after.ProfileSystem);
        Assert.Equal(before.CurrentSystem, after.CurrentSystem);
        Assert.Equal(after.ProfileSystem, GoalNode.String(await GoalNode.OutputsAsync(fleet, "a"), "bootSystem"));
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Fleet_rollback_after_goal_test_activates_the_previous_system_again_and_leaves_the_profile_alone()
    {
        await using var fleet = await TestbedFleet.UpAsync("a");
        await fleet.ApplyAsync(s_fleet);
        var tested = await ApplyTestAsync(fleet, s_fleet.Version("a", "v2"));
        Assert.True(tested.ExitCode == 0, tested.StandardOutput + tested.StandardError);
        var before = await GoalNode.ReadAsync(fleet, "a");
        tested = await ApplyTestAsync(fleet, s_fleet.Version("a", "v3"));
        Assert.True(tested.ExitCode == 0, tested.StandardOutput + tested.StandardError);

        var rollback = await fleet.FleetAsync("rollback", "--on", "a");

        Assert.True(rollback.ExitCode == 0, rollback.StandardOutput + rollback.StandardError);
        Assert.Equal(before, await GoalNode.ReadAsync(fleet, "a"));
        Assert.Equal("a v2", await fleet.PageAsync("a"));
    }

    private static Task<Fleet.Processes.ProcessResult> ApplyTestAsync(TestbedFleet fleet, FleetFile file)
    {
        fleet.Write(file);
        return fleet.FleetAsync("apply", "--plain", "--goal", "test");
    }
}
