using Fleet.Processes;

namespace Fleet.NixOS.Tests;

/// <summary>`fleet plan` notices what a node really runs.</summary>
[Trait("Category", "Integration")]
public sealed class DriftTests
{
    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Plan_shows_drift_after_a_node_was_switched_to_another_system_by_hand()
    {
        await using var fleet = await TestbedFleet.UpAsync("a");
        var file = FleetFile.For("a");
        await fleet.ApplyAsync(file);
        var other = await fleet.BuildElsewhereAsync(file.Version("a", "by-hand"));
        await new ProcessRunner().RunCheckedAsync(
            ProcessSpec.Create("nix-copy-closure", "--to", "root@a", other).WithEnvironment("NIX_SSHOPTS", fleet.Testbed.NixSshOptions), CancellationToken.None);
        var byHand = await fleet.Testbed.SshAsync("a", $"nix-env -p /nix/var/nix/profiles/system --set {other} && {other}/bin/switch-to-configuration switch", CancellationToken.None);
        Assert.True(byHand.Succeeded, byHand.StandardError);

        var plan = await fleet.FleetAsync("plan");

        Assert.Equal(0, plan.ExitCode);
        Assert.Contains($"~ node.a (nixos.system) — drift: the node runs {other}", plan.StandardOutput, StringComparison.Ordinal);
    }
}
