using Fleet.Processes;

namespace Fleet.NixOS.Tests;

/// <summary>deployment.buildOnTarget: the .drv closure goes to the node, which builds the system itself.</summary>
[Trait("Category", "Integration")]
public sealed class BuildOnTargetTests
{
    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task A_node_that_builds_on_target_runs_a_system_the_deployer_never_built()
    {
        await using var fleet = await TestbedFleet.UpAsync("a");
        // A version no other test builds, so the deployer's store cannot already hold the system.
        var version = $"built-on-target-{Guid.NewGuid():N}";

        var apply = await fleet.ApplyAsync(FleetFile.For("a").With("a", $"test.version = \"{version}\"; deployment.buildOnTarget = true;"));

        Assert.True(apply.ExitCode == 0, apply.StandardOutput + apply.StandardError);
        Assert.Equal($"a {version}", await fleet.PageAsync("a"));
        var system = await fleet.CurrentSystemAsync("a");
        Assert.Equal(system, (await fleet.StateAsync("a")).GetProperty("outputs").GetProperty("systemPath").GetString());
        var onDeployer = await new ProcessRunner().RunAsync(ProcessSpec.Create("nix-store", "--check-validity", system), CancellationToken.None);
        Assert.False(onDeployer.Succeeded, $"{system} was built on the deployer, not on the node");
    }
}
