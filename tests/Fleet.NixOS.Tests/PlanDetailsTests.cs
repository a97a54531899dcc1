using System.Text.Json;
using Fleet.Processes;

namespace Fleet.NixOS.Tests;

/// <summary>
/// `fleet plan` says what each node's change does: the package versions and closure size that
/// change, whether a reboot is needed and, with `--detailed`, the units activation would restart,
/// without changing what the node runs or fleet's state.
/// </summary>
[Trait("Category", "Integration")]
public sealed class PlanDetailsTests
{
    private const string Hello = "environment.systemPackages = [ pkgs.hello ];";
    private const string NewerHello = """environment.systemPackages = [ (pkgs.hello.override { version = "2.12.1"; }) ];""";

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Plan_shows_a_changed_package_version_the_closure_change_and_that_no_reboot_is_needed()
    {
        await using var fleet = await TestbedFleet.DeployedAsync(FleetFile.For("a").With("a", Hello));
        fleet.Write(FleetFile.For("a").With("a", NewerHello));

        // Plain plan, nothing built before: it builds the new system on the deployer, as apply would.
        var plan = await fleet.FleetAsync("plan");

        Assert.True(plan.ExitCode == 0, plan.StandardOutput + plan.StandardError);
        Assert.Contains("~ node.a (nixos.system)", plan.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(@"\n      system: [0-9a-z]{7} -> [0-9a-z]{7}\n", plan.StandardOutput);
        Assert.Matches(@"\n      hello: 2\.12 -> 2\.12\.1, \+12(\.\d)? KiB\n", plan.StandardOutput);
        Assert.Matches(@"\n      closure: \+\d+ paths?, -\d+ paths?, \+12(\.\d)? KiB\n", plan.StandardOutput);
        Assert.Contains("\n      no reboot needed\n", plan.StandardOutput, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Plan_of_a_system_built_on_its_node_builds_nothing_and_says_how_to_see_its_closure_diff()
    {
        const string OnTarget = " deployment.buildOnTarget = true;";
        await using var fleet = await TestbedFleet.DeployedAsync(FleetFile.For("a").With("a", Hello + OnTarget));
        fleet.Write(FleetFile.For("a").With("a", NewerHello + Unique() + OnTarget));

        var plan = await fleet.FleetAsync("plan");

        Assert.True(plan.ExitCode == 0, plan.StandardOutput + plan.StandardError);
        Assert.Contains("(the new system is built on the node (buildOnTarget): `fleet plan --detailed` builds it there and shows its closure diff", plan.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("no reboot needed", plan.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("reboot needed:", plan.StandardOutput, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Plan_says_a_reboot_is_needed_when_the_kernel_changes()
    {
        await using var fleet = await TestbedFleet.DeployedAsync(FleetFile.For("a").With("a", Hello));
        fleet.Write(FleetFile.For("a").With("a", Hello + " boot.kernelPackages = pkgs.linuxPackages_latest;"));

        var plan = await fleet.FleetAsync("plan");

        Assert.True(plan.ExitCode == 0, plan.StandardOutput + plan.StandardError);
        Assert.Contains("\n      linux: 6.6.1 -> 6.7.2", plan.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("\n      reboot needed: kernel, initrd and kernel modules changed\n", plan.StandardOutput, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Plan_detailed_shows_the_units_to_restart_and_reload_and_changes_neither_the_node_nor_the_state()
    {
        await using var fleet = await TestbedFleet.DeployedAsync(FleetFile.For("a").With("a", Reloading("one")));
        var node = await GoalNode.ReadAsync(fleet, "a");
        var state = await fleet.StateAsync("a");
        var serial = await SerialAsync(fleet);
        var last = (await fleet.AgentStatusAsync("a")).GetProperty("lastActivation").GetRawText();
        // The web service moves to another port: its unit changes, so switching would restart it;
        // the greeter's changes, and it asks to be reloaded instead.
        fleet.Write(FleetFile.For("a").With("a", "test.port = 8081; " + Reloading("two")));

        var plan = await fleet.FleetAsync("plan", "--detailed");

        Assert.True(plan.ExitCode == 0, plan.StandardOutput + plan.StandardError);
        Assert.True(plan.StandardOutput.Contains("\n      reload: greeter.service\n", StringComparison.Ordinal), plan.StandardOutput + plan.StandardError);
        Assert.Contains("\n      restart: web.service\n", plan.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("\n      no reboot needed\n", plan.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(node, await GoalNode.ReadAsync(fleet, "a"));
        Assert.Equal("a v1", await fleet.PageAsync("a"));
        Assert.Equal(last, (await fleet.AgentStatusAsync("a")).GetProperty("lastActivation").GetRawText());
        Assert.Equal(serial, await SerialAsync(fleet));
        Assert.Equal(state.GetRawText(), (await fleet.StateAsync("a")).GetRawText());
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Without_the_running_system_in_the_deployers_store_plan_asks_for_detailed_and_the_node_computes_the_closure_diff()
    {
        // A system of this test alone (no other test builds it), so deleting it here disturbs nobody.
        var unique = Unique();
        await using var fleet = await TestbedFleet.DeployedAsync(FleetFile.For("a").With("a", Hello + unique));
        var running = await fleet.CurrentSystemAsync("a");
        await new ProcessRunner().RunCheckedAsync(ProcessSpec.Create("nix-store", "--delete", running), CancellationToken.None);
        Assert.False(Directory.Exists(running));
        fleet.Write(FleetFile.For("a").With("a", NewerHello + unique));
        await BuildAsync(fleet);

        var plain = await fleet.FleetAsync("plan");
        var detailed = await fleet.FleetAsync("plan", "--detailed", "--json");

        Assert.True(plain.ExitCode == 0, plain.StandardOutput + plain.StandardError);
        Assert.Contains("the closure diff and the reboot check need `fleet plan --detailed`", plain.StandardOutput, StringComparison.Ordinal);
        Assert.True(detailed.ExitCode == 0, detailed.StandardOutput + detailed.StandardError);
        var system = Change(detailed.StandardOutput, "node.a").GetProperty("system");
        Assert.Equal(running, system.GetProperty("current").GetString());
        var closure = system.GetProperty("closure");
        Assert.Equal("node", closure.GetProperty("computedOn").GetString());
        var hello = closure.GetProperty("packages").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "hello");
        Assert.Equal(["2.12"], hello.GetProperty("before").EnumerateArray().Select(v => v.GetString()!).ToArray());
        Assert.Equal(["2.12.1"], hello.GetProperty("after").EnumerateArray().Select(v => v.GetString()!).ToArray());
        Assert.False(system.GetProperty("reboot").GetProperty("needed").GetBoolean());
    }

    /// <summary>A service that is reloaded (its `reload` writes GREETING), not restarted, when it changes.</summary>
    private static string Reloading(string greeting) => $$"""
        systemd.services.greeter = { wantedBy = [ "multi-user.target" ]; reloadIfChanged = true; script = "exec /bin/sleep 600"; reload = "echo {{greeting}} > /run/greeting"; };
        """;

    private static string Unique() => $" environment.etc.\"plan-details-test\".text = \"{Guid.NewGuid():N}\";";

    private static async Task BuildAsync(TestbedFleet fleet)
    {
        var build = await fleet.FleetAsync("build", "--plain");
        Assert.True(build.ExitCode == 0, build.StandardOutput + build.StandardError);
    }

    private static async Task<long> SerialAsync(TestbedFleet fleet)
    {
        var plan = await fleet.FleetAsync("plan", "--json", "--no-refresh");
        Assert.True(plan.ExitCode == 0, plan.StandardError);
        using var document = JsonDocument.Parse(plan.StandardOutput);
        return document.RootElement.GetProperty("stateSerial").GetInt64();
    }

    private static JsonElement Change(string planJson, string id)
    {
        using var document = JsonDocument.Parse(planJson);
        return document.RootElement.GetProperty("changes").EnumerateArray().Single(c => c.GetProperty("id").GetString() == id).Clone();
    }
}
