using Fleet.Engine.Errors;
using Fleet.Testbed;

namespace Fleet.Engine.Tests;

/// <summary>The fleet module system (nix-modules/fleet) evaluated on the nixpkgs stand-in.</summary>
public sealed class ModuleSystemTests
{
    [Fact(Timeout = TestTimeouts.Local)]
    public async Task The_demo_fleet_becomes_one_nixos_system_resource_per_node()
    {
        var graph = await FleetEvaluation.GraphAsync(Path.Combine(RepositoryPaths.Example("demo"), "fleet.nix"));

        Assert.Equal("demo", graph.Fleet);
        Assert.Equal(new[] { "node.api", "node.web", "node.worker" }, graph.Nodes.Select(n => n.Id).ToArray());
        Assert.All(graph.Resources.Values.Where(r => r.Type != "nixos.system"), r => Assert.StartsWith($"node.{r.Node}.", r.Id, StringComparison.Ordinal));
        foreach (var resource in graph.Nodes)
        {
            Assert.Equal("nixos.system", resource.Type);
            Assert.Equal(resource.Id["node.".Length..], resource.Node);
            Assert.Matches("^/nix/store/[a-z0-9]{32}-nixos-system-.*\\.drv$", resource.InputString("drvPath"));
            Assert.True(File.Exists(resource.InputString("drvPath")), "the derivation is instantiated in the store");
            Assert.Equal(resource.Node, resource.InputString("targetHost"));
            Assert.Equal("root", resource.InputString("targetUser"));
            Assert.All(resource.DependsOn, d => Assert.StartsWith(resource.Id + ".", d, StringComparison.Ordinal));
        }

        Assert.Equal(new[] { "frontend", "demo" }, graph.Resources["node.web"].InputStrings("tags").ToArray());
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Different_node_configurations_get_different_derivations()
    {
        var graph = await FleetEvaluation.GraphAsync(Path.Combine(RepositoryPaths.Example("demo"), "fleet.nix"));

        var drvs = graph.Nodes.Select(n => n.InputString("drvPath")).ToList();
        Assert.Equal(drvs.Count, drvs.Distinct().Count());
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_node_whose_own_goal_leaves_it_as_it_is_has_no_activation_hooks()
    {
        var graph = await FleetEvaluation.GraphAsync(FleetEvaluation.Fixture("hooks-and-goals.nix"));

        var hooks = graph.Resources.Values.Where(r => r.Type == "hook.command").Select(r => r.Id).Order(StringComparer.Ordinal);
        Assert.Equal(
            ["node.booting.hook.postActivate", "node.booting.hook.preActivate", "node.switching.hook.postActivate", "node.switching.hook.preActivate"],
            hooks);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_post_activation_hook_watches_only_the_outputs_an_activation_changes()
    {
        var graph = await FleetEvaluation.GraphAsync(FleetEvaluation.Fixture("hooks-and-goals.nix"));

        var watched = graph.Resources["node.switching.hook.postActivate"].Inputs.GetProperty("watch").GetProperty("node.switching");
        Assert.Equal(["activatedAt", "health", "previousSystem", "systemPath"], watched.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.All(watched.EnumerateObject(), p => Assert.Equal("node.switching", p.Value.GetProperty("$ref").GetString()));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_node_value_beats_mkDefault_in_defaults()
    {
        var graph = await FleetEvaluation.GraphAsync(FleetEvaluation.Fixture("precedence.nix"));

        Assert.Equal(22, graph.Resources["node.a"].Inputs.GetProperty("targetPort").GetInt32());
        Assert.Equal(2222, graph.Resources["node.b"].Inputs.GetProperty("targetPort").GetInt32());
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task MkForce_in_defaults_beats_a_node_value()
    {
        var graph = await FleetEvaluation.GraphAsync(FleetEvaluation.Fixture("precedence.nix"));

        Assert.All(graph.Nodes, n => Assert.Equal("deploy", n.InputString("targetUser")));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Defaults_apply_to_every_node_and_lists_merge_with_the_nodes_own()
    {
        var graph = await FleetEvaluation.GraphAsync(FleetEvaluation.Fixture("precedence.nix"));

        Assert.All(graph.Nodes, n => Assert.Contains("all", n.InputStrings("tags")));
        Assert.Contains("b", graph.Resources["node.b"].InputStrings("tags"));
        Assert.Equal("10.0.0.3", graph.Resources["node.c"].InputString("targetHost"));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_list_set_in_defaults_and_in_a_node_comes_out_node_first_as_nixpkgs_merges_it()
    {
        var graph = await FleetEvaluation.GraphAsync(FleetEvaluation.Fixture("precedence.nix"));
        var b = graph.Resources["node.b"];

        Assert.Equal(new[] { "b", "all" }, b.InputStrings("tags").ToArray());
        Assert.Equal(new[] { "-o", "ProxyJump=bastion", "-o", "ConnectTimeout=5" }, b.InputStrings("sshOptions").ToArray());
        Assert.Equal(["tcp", "unit"], b.Inputs.GetProperty("healthChecks").EnumerateArray().Select(c => c.GetProperty("type").GetString()));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_type_error_names_the_option_and_the_file()
    {
        var error = await Assert.ThrowsAsync<NixEvaluationException>(
            () => FleetEvaluation.GraphAsync(FleetEvaluation.Fixture("type-error.nix")));

        Assert.Contains("deployment.targetPort", error.Message, StringComparison.Ordinal);
        Assert.Contains("type-error.nix", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task An_undeclared_option_is_reported_with_its_name()
    {
        var error = await Assert.ThrowsAsync<NixEvaluationException>(
            () => FleetEvaluation.GraphAsync(FleetEvaluation.Fixture("undeclared-option.nix")));

        Assert.Contains("deployment.targetHots", error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task User_resources_pass_through_with_their_references()
    {
        var graph = await FleetEvaluation.GraphAsync(FleetEvaluation.Fixture("resources.nix"));

        var copy = graph.Resources["copy"];
        Assert.Equal("local.file", copy.Type);
        Assert.Equal("local", copy.Provider);
        Assert.Null(copy.Node);
        Assert.Equal(new[] { "node.a", "notes" }, Fleet.Engine.Graph.ResourceGraph.DependenciesOf(copy).ToArray());
        Assert.Equal("a", graph.Resources["notes"].Node);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_provider_timeout_needs_no_command_and_defaults_to_ten_minutes_of_silence()
    {
        var graph = await FleetEvaluation.GraphAsync(FleetEvaluation.Fixture("provider-timeouts.nix"));

        var nixos = graph.Providers["nixos"];
        Assert.Empty(nixos.Command);
        Assert.Equal(TimeSpan.FromSeconds(1800), nixos.Timeout);
        Assert.Equal(new[] { "python3", "/srv/provider.py" }, graph.Providers["local"].Command);
        Assert.Equal(TimeSpan.FromSeconds(30), graph.Providers["local"].Timeout);
        Assert.Equal(TimeSpan.FromMinutes(10), graph.Providers["quiet"].Timeout);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_reference_to_a_missing_resource_is_rejected_naming_both()
    {
        var error = await Assert.ThrowsAsync<ResourceGraphException>(
            () => FleetEvaluation.GraphAsync(FleetEvaluation.Fixture("dangling-ref.nix")));

        Assert.Contains("resource orphan", error.Message, StringComparison.Ordinal);
        Assert.Contains("missing", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task An_already_evaluated_node_configuration_is_deployed_like_a_raw_one()
    {
        var graph = await FleetEvaluation.GraphAsync(FleetEvaluation.Fixture("cooked.nix"));

        var cooked = graph.Resources["node.cooked"];
        Assert.Equal("nixos.system", cooked.Type);
        Assert.Equal("10.1.2.3", cooked.InputString("targetHost"));
        Assert.Equal(new[] { "cooked" }, cooked.InputStrings("tags").ToArray());
        Assert.Contains("nixos-system-cooked", cooked.InputString("drvPath"), StringComparison.Ordinal);
        Assert.True(graph.Resources.ContainsKey("node.raw"));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task The_fleet_module_system_evaluates_inside_a_larger_module_tree()
    {
        var result = await new Fleet.Processes.ProcessRunner().RunCheckedAsync(
            Fleet.Processes.ProcessSpec.Create(
                "nix-instantiate", "--eval", "--strict", "--json", "--read-write-mode", FleetEvaluation.Fixture("embedded.nix"),
                "--arg", "fleetLib", Path.Combine(FleetPaths.Discover().NixModules, "fleet", "lib.nix"),
                "--arg", "nixpkgs", RepositoryPaths.NixpkgsStandin),
            CancellationToken.None);

        using var graph = System.Text.Json.JsonDocument.Parse(result.StandardOutput);
        var web = graph.RootElement.GetProperty("resources").GetProperty("node.web");
        Assert.Equal(8443, web.GetProperty("inputs").GetProperty("targetPort").GetInt32());
    }
}
