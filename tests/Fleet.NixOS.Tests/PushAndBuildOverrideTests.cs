using System.Text.RegularExpressions;
using Fleet.Processes;

namespace Fleet.NixOS.Tests;

/// <summary>
/// `fleet apply push` (Colmena's push goal: the closure is copied to the node, nothing is
/// activated) and the run-wide `--build-on-target` / `--no-build-on-target` overrides of
/// deployment.buildOnTarget, on testbed nodes.
/// </summary>
[Trait("Category", "Integration")]
public sealed partial class PushAndBuildOverrideTests
{
    private static readonly FleetFile s_fleet = FleetFile.For("a");

    [GeneratedRegex(@"push (/nix/store/\S+)")]
    private static partial Regex PushedSystem();

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Apply_push_copies_the_new_system_to_the_node_and_activates_nothing()
    {
        await using var fleet = await TestbedFleet.UpAsync("a");
        await fleet.ApplyAsync(s_fleet);
        var before = await GoalNode.ReadAsync(fleet, "a");

        fleet.Write(s_fleet.With("a", $"test.version = \"pushed-{Guid.NewGuid():N}\";"));
        var push = await fleet.FleetAsync("apply", "push", "--plain");

        Assert.True(push.ExitCode == 0, push.StandardOutput + push.StandardError);
        var system = PushedSystem().Match(push.StandardOutput).Groups[1].Value;
        Assert.NotEqual(before.CurrentSystem, system);
        var onNode = await fleet.Testbed.ExecAsync("a", ["test", "-e", system + "/etc/web/index.html"], CancellationToken.None);
        Assert.True(onNode.Succeeded, $"{system} is not in the node's store");
        Assert.Equal(before, await GoalNode.ReadAsync(fleet, "a"));
        Assert.Equal("a v1", await fleet.PageAsync("a"));
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Build_on_target_on_the_command_line_builds_on_the_node_though_the_configuration_does_not()
    {
        await using var fleet = await TestbedFleet.UpAsync("a");
        // A version no other test builds, so the deployer's store cannot already hold the system.
        var version = $"override-on-target-{Guid.NewGuid():N}";
        fleet.Write(s_fleet.With("a", $"test.version = \"{version}\";"));

        var apply = await fleet.FleetAsync("apply", "--plain", "--build-on-target");

        Assert.True(apply.ExitCode == 0, apply.StandardOutput + apply.StandardError);
        Assert.Equal($"a {version}", await fleet.PageAsync("a"));
        var system = await fleet.CurrentSystemAsync("a");
        Assert.False(await ValidOnDeployerAsync(system), $"{system} was built on the deployer, not on the node");
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task No_build_on_target_on_the_command_line_builds_on_the_deployer_though_the_configuration_builds_on_target()
    {
        await using var fleet = await TestbedFleet.UpAsync("a");
        var version = $"override-on-deployer-{Guid.NewGuid():N}";
        fleet.Write(s_fleet.With("a", $"test.version = \"{version}\"; deployment.buildOnTarget = true;"));

        var apply = await fleet.FleetAsync("apply", "--plain", "--no-build-on-target");

        Assert.True(apply.ExitCode == 0, apply.StandardOutput + apply.StandardError);
        Assert.Equal($"a {version}", await fleet.PageAsync("a"));
        var system = await fleet.CurrentSystemAsync("a");
        Assert.True(await ValidOnDeployerAsync(system), $"{system} was not built on the deployer");
    }

    private static async Task<bool> ValidOnDeployerAsync(string path) =>
        (await new ProcessRunner().RunAsync(ProcessSpec.Create("nix-store", "--check-validity", path), CancellationToken.None)).Succeeded;
}
