using Fleet.NixOS.Tests;

namespace Fleet.Hooks.Tests;

/// <summary>deployment.hooks around the activation of testbed nodes, with the real fleet and nixos provider.</summary>
[Trait("Category", "Integration")]
public sealed class NodeHookTests
{
    /// <summary>Both hooks append the system /run/current-system points at to a log on the node.</summary>
    private const string RecordingHooks = """
        deployment.hooks.preActivate.script = "echo pre $(readlink -f /run/current-system || true) >> /var/lib/hooks.log";
        deployment.hooks.postActivate.script = "echo post $(readlink -f /run/current-system) >> /var/lib/hooks.log";
        """;

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task The_pre_hook_sees_the_old_system_and_the_post_hook_the_new_one()
    {
        await using var fleet = await TestbedFleet.UpAsync("a");
        var file = FleetFile.For("a").With("a", RecordingHooks);
        await fleet.ApplyAsync(file);
        var old = await fleet.CurrentSystemAsync("a");

        var apply = await fleet.ApplyAsync(file.With("a", RecordingHooks + "test.version = \"v2\";"));

        Assert.True(apply.ExitCode == 0, apply.StandardOutput + apply.StandardError);
        var current = await fleet.CurrentSystemAsync("a");
        Assert.NotEqual(old, current);
        var log = await ReadAsync(fleet, "a", "/var/lib/hooks.log");
        Assert.EndsWith($"pre {old}\npost {current}\n", log, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task The_post_hook_gets_the_node_its_action_and_the_deployed_system_in_its_environment()
    {
        await using var fleet = await TestbedFleet.UpAsync("a");

        var apply = await fleet.ApplyAsync(FleetFile.For("a").With("a", """
            deployment.hooks.postActivate.script = "env | grep ^FLEET_ | sort > /var/lib/hook-env";
            """));

        Assert.True(apply.ExitCode == 0, apply.StandardOutput + apply.StandardError);
        var env = await ReadAsync(fleet, "a", "/var/lib/hook-env");
        var system = await fleet.CurrentSystemAsync("a");
        Assert.Contains("FLEET_NODE=a\n", env, StringComparison.Ordinal);
        Assert.Contains("FLEET_ACTION=create\n", env, StringComparison.Ordinal);
        Assert.Contains("FLEET_PHASE=postActivate\n", env, StringComparison.Ordinal);
        Assert.Contains("FLEET_RESOURCE=node.a.hook.postActivate\n", env, StringComparison.Ordinal);
        Assert.Contains($"FLEET_OUT_NODE_A_SYSTEMPATH={system}\n", env, StringComparison.Ordinal);
        Assert.Contains($"FLEET_SYSTEM={system}\n", env, StringComparison.Ordinal);
        Assert.Contains("FLEET_OUTPUTS_JSON={\"node.a\":{", env, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task A_failing_pre_hook_stops_only_its_nodes_activation()
    {
        string[] nodes = ["a", "b"];
        await using var fleet = await TestbedFleet.UpAsync(nodes);
        await fleet.ApplyAsync(FleetFile.For(nodes));
        var old = await fleet.CurrentSystemAsync("b");

        var apply = await fleet.ApplyAsync(FleetFile.For(nodes)
            .With("a", "test.version = \"v2\";")
            .With("b", "test.version = \"v2\"; deployment.hooks.preActivate.script = \"echo not today; exit 3\";"));

        Assert.Equal(1, apply.ExitCode);
        Assert.Equal("a v2", await fleet.PageAsync("a"));
        Assert.Equal("b v1", await fleet.PageAsync("b"));
        Assert.Equal(old, await fleet.CurrentSystemAsync("b"));
        var summary = apply.StandardOutput[apply.StandardOutput.LastIndexOf("Apply:", StringComparison.Ordinal)..];
        Assert.Contains("pre-activation hook of node b failed with exit code 3; its last lines:\n  not today", summary, StringComparison.Ordinal);
        Assert.Contains("skipped", summary, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task A_failing_post_hook_is_reported_and_marks_the_node_failed()
    {
        await using var fleet = await TestbedFleet.UpAsync("a");

        var apply = await fleet.ApplyAsync(FleetFile.For("a").With("a", """
            deployment.hooks.postActivate.argv = [ "sh" "-c" "echo page is wrong >&2; exit 4" ];
            """));

        Assert.Equal(1, apply.ExitCode);
        var summary = apply.StandardOutput[apply.StandardOutput.LastIndexOf("Apply:", StringComparison.Ordinal)..];
        Assert.Contains("\n  page is wrong", summary, StringComparison.Ordinal);
        Assert.Contains("post-activation hook of node a failed with exit code 4", summary, StringComparison.Ordinal);
        Assert.Contains("failed node.a: marked failed", summary, StringComparison.Ordinal);
        Assert.Equal("failed", (await fleet.StateAsync("a")).GetProperty("status").GetString());
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Redeploying_an_unchanged_fleet_runs_no_hook_and_an_always_hook_every_time()
    {
        await using var fleet = await TestbedFleet.UpAsync("a");
        var file = FleetFile.For("a").With("a", RecordingHooks + """
            deployment.hooks.preActivate.always = false;
            """);
        await fleet.ApplyAsync(file);

        var unchanged = await fleet.ApplyAsync(file);
        var logAfterUnchanged = await ReadAsync(fleet, "a", "/var/lib/hooks.log");
        var always = await fleet.ApplyAsync(file.With("a", RecordingHooks + "deployment.hooks.postActivate.always = true;"));

        Assert.Contains("No changes", unchanged.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(2, logAfterUnchanged.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.True(always.ExitCode == 0, always.StandardOutput + always.StandardError);
        var lines = (await ReadAsync(fleet, "a", "/var/lib/hooks.log")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("post ", lines[2], StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Changing_only_a_nodes_tags_runs_no_hook()
    {
        await using var fleet = await TestbedFleet.UpAsync("a");
        var file = FleetFile.For("a").With("a", RecordingHooks);
        await fleet.ApplyAsync(file);

        var apply = await fleet.ApplyAsync(file.With("a", RecordingHooks + "deployment.tags = [ \"frontend\" ];"));

        Assert.True(apply.ExitCode == 0, apply.StandardOutput + apply.StandardError);
        Assert.Contains("~ node.a (nixos.system)", apply.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(2, (await ReadAsync(fleet, "a", "/var/lib/hooks.log")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Changing_only_how_fleet_reaches_a_node_runs_no_hook_and_records_the_new_setting()
    {
        await using var fleet = await TestbedFleet.UpAsync("a");
        var file = FleetFile.For("a").With("a", RecordingHooks);
        await fleet.ApplyAsync(file);

        var apply = await fleet.ApplyAsync(file.With("a", RecordingHooks + "deployment.sshOptions = [ \"-o\" \"ServerAliveInterval=30\" ];"));
        var plan = await fleet.FleetAsync("plan");

        Assert.True(apply.ExitCode == 0, apply.StandardOutput + apply.StandardError);
        Assert.Contains("does not run: only how it reaches its node", apply.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(2, (await ReadAsync(fleet, "a", "/var/lib/hooks.log")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("No changes", plan.StandardOutput, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task A_hook_marked_always_runs_on_every_apply()
    {
        await using var fleet = await TestbedFleet.UpAsync("a");
        var file = FleetFile.For("a").With("a", """
            deployment.hooks.postActivate = { script = "echo ran >> /var/lib/hooks.log"; always = true; };
            """);
        await fleet.ApplyAsync(file);

        var second = await fleet.ApplyAsync(file);
        var third = await fleet.ApplyAsync(file);

        Assert.True(second.ExitCode == 0 && third.ExitCode == 0, second.StandardOutput + third.StandardOutput + third.StandardError);
        Assert.Equal("ran\nran\nran\n", await ReadAsync(fleet, "a", "/var/lib/hooks.log"));
    }

    private static async Task<string> ReadAsync(TestbedFleet fleet, string node, string path)
    {
        var read = await fleet.Testbed.ExecAsync(node, ["cat", path], CancellationToken.None);
        Assert.True(read.Succeeded, $"cat {path} on {node}: {read.StandardError}");
        return read.StandardOutput;
    }
}
