using Fleet.Processes;

namespace Fleet.NixOS.Tests;

/// <summary>
/// Host keys are checked against the fleet's own known_hosts (beside the state database): an
/// unknown node is refused unless `--trust-on-first-use` accepts it, which records its key
/// there and nowhere else; a key that differs from the recorded one is refused even then.
/// </summary>
[Trait("Category", "Integration")]
public sealed class HostKeyTests
{
    private static readonly ProcessRunner s_runner = new();

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task An_unknown_node_is_refused_then_trusted_on_first_use_into_the_fleets_known_hosts_and_a_changed_key_is_refused()
    {
        await using var fleet = await TestbedFleet.UpAsync("a");
        var file = FleetFile.For("a");
        fleet.Write(file);
        var knownHosts = Path.Combine(fleet.Dir, ".fleet", "known_hosts");
        var userKnownHosts = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ssh", "known_hosts");
        var userBefore = File.Exists(userKnownHosts) ? await File.ReadAllTextAsync(userKnownHosts) : "";
        var address = fleet.Testbed.Node("a").Address;

        var refused = await ApplyAsync(fleet);

        Assert.True(refused.ExitCode == 1, refused.StandardOutput + refused.StandardError);
        var said = refused.StandardOutput + refused.StandardError;
        Assert.Contains("node.a", said, StringComparison.Ordinal);
        Assert.Contains("--trust-on-first-use", said, StringComparison.Ordinal);
        Assert.Contains(knownHosts, said, StringComparison.Ordinal);
        Assert.False((await fleet.Testbed.ExecAsync("a", ["test", "-e", "/run/current-system"], CancellationToken.None)).Succeeded, "nothing may reach a node whose key was refused");

        var trusted = await ApplyAsync(fleet, "--trust-on-first-use");

        Assert.True(trusted.ExitCode == 0, trusted.StandardOutput + trusted.StandardError);
        var nodeKey = (await File.ReadAllLinesAsync(fleet.Testbed.Description.KnownHosts))
            .Select(l => l.Split(' ', 2)).Single(p => p[0].Split(',').Contains(address))[1].Trim();
        Assert.Contains(nodeKey, await File.ReadAllTextAsync(knownHosts), StringComparison.Ordinal);
        Assert.Equal(userBefore, File.Exists(userKnownHosts) ? await File.ReadAllTextAsync(userKnownHosts) : "");
        Assert.Equal("a v1", await fleet.PageAsync("a"));

        // The node's key changes (or a man in the middle answers): the flag does not accept it.
        var other = Path.Combine(fleet.Dir, "other-key");
        await s_runner.RunCheckedAsync(ProcessSpec.Create("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other), CancellationToken.None);
        var otherKey = string.Join(' ', (await File.ReadAllTextAsync(other + ".pub")).Split(' ')[..2]);
        await File.WriteAllTextAsync(knownHosts, $"{address} {otherKey}\n");
        fleet.Write(file.Version("a", "v2"));

        var changed = await ApplyAsync(fleet, "--trust-on-first-use");

        Assert.True(changed.ExitCode == 1, changed.StandardOutput + changed.StandardError);
        Assert.Contains("differs", changed.StandardOutput + changed.StandardError, StringComparison.Ordinal);
        Assert.Equal($"{address} {otherKey}\n", await File.ReadAllTextAsync(knownHosts));
        Assert.Equal("a v1", await fleet.PageAsync("a"));
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Fleet_known_hosts_import_copies_keys_already_trusted_elsewhere_so_no_trust_on_first_use_is_needed()
    {
        await using var fleet = await TestbedFleet.UpAsync("a", "b");
        fleet.Write(FleetFile.For("a", "b"));
        var knownHosts = Path.Combine(fleet.Dir, ".fleet", "known_hosts");
        // Another file that trusts only node a, as an operator's ~/.ssh/known_hosts might.
        var address = fleet.Testbed.Node("a").Address;
        var onlyA = Path.Combine(fleet.Dir, "trusted");
        await File.WriteAllLinesAsync(onlyA, (await File.ReadAllLinesAsync(fleet.Testbed.Description.KnownHosts)).Where(l => l.Split(' ')[0].Split(',').Contains(address)));

        var partial = await FleetAsync(fleet, "known-hosts", "import", "--from", onlyA);

        Assert.True(partial.ExitCode == 1, partial.StandardOutput + partial.StandardError);
        Assert.Contains("a: ", partial.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"b: {fleet.Testbed.Node("b").Address} is not in {onlyA}", partial.StandardError, StringComparison.Ordinal);

        var all = await FleetAsync(fleet, "known-hosts", "import", "--from", fleet.Testbed.Description.KnownHosts);

        Assert.True(all.ExitCode == 0, all.StandardOutput + all.StandardError);
        Assert.Contains($"a: {address} already known to the fleet", all.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(2, (await File.ReadAllLinesAsync(knownHosts)).Length);
        var apply = await ApplyAsync(fleet);
        Assert.True(apply.ExitCode == 0, apply.StandardOutput + apply.StandardError);
    }

    /// <summary>`fleet apply` with the fleet's default known_hosts (not the testbed's).</summary>
    private static Task<ProcessResult> ApplyAsync(TestbedFleet fleet, params string[] flags) => FleetAsync(fleet, ["apply", "--plain", .. flags]);

    /// <summary>A fleet command with the fleet's default known_hosts (not the testbed's).</summary>
    private static Task<ProcessResult> FleetAsync(TestbedFleet fleet, params string[] args) =>
        s_runner.RunAsync(fleet.FleetCommand(fleet.Dir, args).WithEnvironment("FLEET_KNOWN_HOSTS", null), CancellationToken.None);
}
