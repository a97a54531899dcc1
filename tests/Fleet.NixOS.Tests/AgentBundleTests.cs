using Fleet.Nodes;
using Fleet.Processes;
using Fleet.Testbed;

namespace Fleet.NixOS.Tests;

/// <summary>An agent that is already in the Nix store (the flake's package) travels as that store path, references and all.</summary>
[Trait("Category", "Integration")]
public sealed class AgentBundleTests
{
    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task An_agent_given_inside_a_store_path_is_sent_as_that_store_path()
    {
        await using var fleet = await TestbedFleet.UpAsync("a");
        var runner = new ProcessRunner();
        var staging = Path.Combine(fleet.NewDirectory(), "fleet-agent-packaged");
        Directory.CreateDirectory(Path.Combine(staging, "bin"));
        File.Copy(Path.Combine(RepositoryPaths.Root, "artifacts", "agent", "fleet-agent"), Path.Combine(staging, "bin", "fleet-agent"));
        var packaged = (await runner.RunCheckedAsync(ProcessSpec.Create("nix-store", "--add", staging), CancellationToken.None)).StandardOutput.Trim();
        fleet.Write(FleetFile.For("a"));

        var apply = await runner.RunAsync(fleet.FleetCommand(fleet.Dir, "apply", "--plain").WithEnvironment("FLEET_AGENT", $"{packaged}/bin/fleet-agent"), CancellationToken.None);

        Assert.True(apply.ExitCode == 0, apply.StandardOutput + apply.StandardError);
        Assert.Equal(packaged, (await fleet.StateAsync("a")).GetProperty("outputs").GetProperty("agentPath").GetString());
        Assert.True((await fleet.Testbed.ExecAsync("a", ["test", "-x", $"{packaged}/bin/fleet-agent"], CancellationToken.None)).Succeeded);
    }
}
