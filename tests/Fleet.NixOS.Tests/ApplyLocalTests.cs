using Fleet.Processes;
using Fleet.Testbed;

namespace Fleet.NixOS.Tests;

/// <summary>
/// `fleet apply-local`: fleet itself runs inside a testbed node's namespaces (its store, its /run,
/// its hostname) and deploys that node with the node's own fleet-agent, with the node's sshd
/// stopped, so nothing can go over SSH; and `fleet apply` of a node without targetHost fails for
/// that node alone.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ApplyLocalTests
{
    private const string Secret = "local-s3cret-4711";

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Apply_local_deploys_the_machine_it_runs_on_with_its_secret_and_rolls_back_a_failed_health_check()
    {
        await using var fleet = await TestbedFleet.UpAsync("web");
        // /var/tmp is the host's in every node (the node's /tmp is its own): fleet.nix and its state live there.
        var dir = NewDirectory();
        try
        {
            await fleet.TestbedAsync("stop-sshd", "web");
            File.WriteAllText(Path.Combine(dir, "fleet.nix"), Local("v1", "").Render());

            var first = await ApplyLocalAsync(fleet, dir);

            Assert.True(first.ExitCode == 0, first.StandardOutput + first.StandardError);
            Assert.Equal("web v1", await NodeAsync(fleet, "cat /etc/web/index.html"));
            Assert.Equal(Secret, await NodeAsync(fleet, "cat /run/keys/token"));
            Assert.Equal("400 root", await NodeAsync(fleet, "stat -c '%a %U' /run/keys/token"));
            var v1 = await NodeAsync(fleet, "readlink -f /run/current-system");

            File.WriteAllText(Path.Combine(dir, "fleet.nix"), Local("v2", """
                deployment.healthChecks = lib.mkForce [ { type = "command"; name = "always-fails"; argv = [ "/bin/false" ]; retries = 1; interval = 0.1; } ];
                """).Render());
            var second = await ApplyLocalAsync(fleet, dir);

            Assert.Equal(1, second.ExitCode);
            Assert.Contains("health check always-fails failed: exit code 1; rolled back to ", second.StandardOutput, StringComparison.Ordinal);
            Assert.Equal(v1, await NodeAsync(fleet, "readlink -f /run/current-system"));
            Assert.Equal("web v1", await NodeAsync(fleet, "cat /etc/web/index.html"));
            Assert.Equal("stopped", await NodeAsync(fleet, "cat /run/testbed/sshd.state"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Apply_local_dry_activate_uploads_no_secret_runs_no_hook_and_records_nothing()
    {
        await using var fleet = await TestbedFleet.UpAsync("web");
        var dir = NewDirectory();
        try
        {
            var ran = Path.Combine(dir, "hook-ran");
            var hook = $"deployment.hooks.postActivate.script = \"echo ran >> {ran}\";";
            File.WriteAllText(Path.Combine(dir, "fleet.nix"), Local("v1", hook).Render());
            var first = await ApplyLocalAsync(fleet, dir);
            Assert.True(first.ExitCode == 0, first.StandardOutput + first.StandardError);
            Assert.True(File.Exists(ran), "the post-activation hook did not run for switch: " + first.StandardOutput);
            File.Delete(ran);
            var state = await InNodeAsync(fleet, dir, "state", "list", "--json");
            File.WriteAllText(Path.Combine(dir, "fleet.nix"), Local("v2", hook, secret: "changed-s3cret").Render());

            var dry = await ApplyLocalAsync(fleet, dir, "dry-activate");

            Assert.True(dry.ExitCode == 0, dry.StandardOutput + dry.StandardError);
            Assert.Equal("web v1", await NodeAsync(fleet, "cat /etc/web/index.html"));
            Assert.Equal(Secret, await NodeAsync(fleet, "cat /run/keys/token"));
            Assert.False(File.Exists(ran), "the post-activation hook ran for dry-activate");
            var after = await InNodeAsync(fleet, dir, "state", "list", "--json");
            Assert.True(after.ExitCode == 0, after.StandardError);
            Assert.Equal(state.StandardOutput, after.StandardOutput);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Apply_local_refuses_a_node_without_allowLocalDeployment_naming_it()
    {
        await using var fleet = await TestbedFleet.UpAsync("web");
        var dir = NewDirectory();
        try
        {
            File.WriteAllText(Path.Combine(dir, "fleet.nix"), FleetFile.For("web").Render());

            var refused = await ApplyLocalAsync(fleet, dir);

            Assert.Equal(2, refused.ExitCode);
            Assert.Contains("node web does not allow local deployment: set deployment.allowLocalDeployment = true", refused.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Fleet_apply_fails_a_node_without_targetHost_alone_and_deploys_the_others()
    {
        await using var fleet = await TestbedFleet.UpAsync("web", "api");
        var file = FleetFile.For("web", "api").With("api", "deployment.targetHost = null; deployment.allowLocalDeployment = true;");

        var apply = await fleet.ApplyAsync(file);

        Assert.True(apply.ExitCode == 1, apply.StandardOutput + apply.StandardError);
        Assert.Contains(apply.StandardOutput.Split('\n'), line => line.StartsWith("  failed node.api: ", StringComparison.Ordinal)
            && line.EndsWith("node api has no targetHost: it can only be deployed with fleet apply-local", StringComparison.Ordinal));
        Assert.Equal("web v1", await fleet.PageAsync("web"));
        Assert.DoesNotContain("failed node.web", apply.StandardOutput, StringComparison.Ordinal);
    }

    /// <summary>Node `web`, only deployable locally, with a secret; the page says `version`.</summary>
    private static FleetFile Local(string version, string more, string secret = Secret) => FleetFile.For("web").With("web", $$"""
        test.version = "{{version}}";
        deployment.targetHost = null;
        deployment.allowLocalDeployment = true;
        deployment.secrets.token = { text = "{{secret}}"; destination = "/run/keys/token"; };
        {{more}}
        """);

    /// <summary>
    /// `fleet apply-local --plain` run inside the node (testbed exec): the node is found by its
    /// hostname. The node has its own /root, /tmp and /nix, so fleet (this build's output, its
    /// providers and share/), the agent and the nixpkgs STAND-IN are run from a copy in `dir`
    /// (in /var/tmp, which every node shares with the host): the repository may be under /root.
    /// </summary>
    private static Task<ProcessResult> ApplyLocalAsync(TestbedFleet fleet, string dir, params string[] more) =>
        InNodeAsync(fleet, dir, ["apply-local", "--plain", .. more]);

    /// <summary>`fleet ARGS` run inside the node, from the copy in `dir` (see <see cref="ApplyLocalAsync"/>).</summary>
    private static Task<ProcessResult> InNodeAsync(TestbedFleet fleet, string dir, params string[] args)
    {
        var bin = Path.Combine(dir, "fleet");
        if (!Directory.Exists(bin))
        {
            CopyTree(AppContext.BaseDirectory, bin);
            Directory.CreateDirectory(Path.Combine(bin, "agent"));
            File.Copy(Path.Combine(RepositoryPaths.Root, "artifacts", "agent", "fleet-agent"), Path.Combine(bin, "agent", "fleet-agent"));
            CopyTree(RepositoryPaths.NixpkgsStandin, Path.Combine(dir, "nixpkgs-standin"));
        }

        return new ProcessRunner().RunAsync(
            ProcessSpec.Create(RepositoryPaths.TestbedScript, [
                "exec", fleet.Testbed.Name, "web", "--",
                "dotnet", Path.Combine(bin, "fleet.dll"), "-f", Path.Combine(dir, "fleet.nix"),
                .. args, "--nixpkgs", Path.Combine(dir, "nixpkgs-standin")]),
            CancellationToken.None);
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var directory in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        }

        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)), overwrite: true);
        }
    }

    /// <summary>A fresh directory in /var/tmp, the host's own in every node (unlike /tmp).</summary>
    private static string NewDirectory() =>
        Directory.CreateDirectory(Path.Combine("/var/tmp", "fleet-apply-local-" + Guid.NewGuid().ToString("N")[..12])).FullName;

    private static async Task<string> NodeAsync(TestbedFleet fleet, string command)
    {
        var result = await fleet.Testbed.ExecAsync("web", ["sh", "-c", command], CancellationToken.None);
        Assert.True(result.Succeeded, $"{command}: {result.StandardError}");
        return result.StandardOutput.Trim();
    }
}
