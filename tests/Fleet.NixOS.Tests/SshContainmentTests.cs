using System.Globalization;

namespace Fleet.NixOS.Tests;

/// <summary>
/// The nixos provider's shared SSH connection to a node is its own child, in its process group:
/// nothing of it outlives a provider killed mid-deploy (OpenSSH's ControlPersist master, which
/// daemonized, lived on up to 120 s after its last use).
/// </summary>
[Trait("Category", "Integration")]
public sealed class SshContainmentTests
{
    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task A_provider_killed_mid_deploy_leaves_no_ssh_process_behind()
    {
        var file = FleetFile.For("a");
        await using var fleet = await TestbedFleet.DeployedAsync(file);
        fleet.Write(file.With("a", """test.version = "v2"; deployment.rollback.confirmTimeout = lib.mkForce 10; """ + FleetFile.HealthCheckHeldUntil("killed")));

        // Held in the health check: the closure was copied and the activation runs over the node's master.
        using var apply = fleet.StartFleet("apply", "--plain");
        var id = await fleet.PendingActivationAsync("a");
        Assert.Contains(fleet.SshProcesses(), p => p.Contains("ControlMaster=yes", StringComparison.Ordinal));
        var provider = NixosProvider(apply.Id);
        System.Diagnostics.Process.GetProcessById(provider).Kill();
        await apply.WaitForExitAsync();

        Assert.Equal(1, apply.ExitCode);
        await fleet.WaitUntilNoSshAsync(TimeSpan.FromSeconds(60));
        // Nobody confirms: the node rolls back by itself.
        fleet.Release("a", "killed");
        Assert.Equal("rolled-back-timeout", await fleet.OutcomeAsync("a", id));
        Assert.Equal("a v1", await fleet.PageAsync("a"));
    }

    /// <summary>The pid of fleet's child running the nixos provider (through setsid, which execs it: the same process).</summary>
    private static int NixosProvider(int fleet)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
                if (parent == fleet && File.ReadAllText(Path.Combine(dir, "cmdline")).Contains("fleet-provider-nixos", StringComparison.Ordinal))
                {
                    return pid;
                }
            }
            catch (IOException)
            {
            }
        }

        throw new InvalidOperationException($"fleet (pid {fleet}) runs no nixos provider");
    }
}
