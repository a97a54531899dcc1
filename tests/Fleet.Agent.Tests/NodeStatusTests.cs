using Fleet.Agent;

namespace Fleet.Agent.Tests;

public sealed class NodeStatusTests
{
    [Fact]
    public void Status_reads_the_current_system_and_the_profile_generation()
    {
        var root = Directory.CreateTempSubdirectory("fleet-agent-status").FullName;
        var systemA = Directory.CreateDirectory(Path.Combine(root, "store-a")).FullName;
        Directory.CreateDirectory(Path.Combine(root, "run"));
        Directory.CreateDirectory(Path.Combine(root, "nix/var/nix/profiles"));
        File.CreateSymbolicLink(Path.Combine(root, "run/current-system"), systemA);
        File.CreateSymbolicLink(Path.Combine(root, "nix/var/nix/profiles/system-7-link"), systemA);
        File.CreateSymbolicLink(Path.Combine(root, "nix/var/nix/profiles/system"), "system-7-link");

        var status = NodeStatus.Read(root);

        Assert.Equal(systemA, status.CurrentSystem);
        Assert.Equal(systemA, status.ProfileSystem);
        Assert.Equal(7, status.Generation);
        Directory.Delete(root, recursive: true);
    }
}
