using System.Text.Json;
using Fleet.Engine.Errors;
using Fleet.Testbed;

namespace Fleet.Engine.Tests;

/// <summary>
/// Already-evaluated ("cooked") NixOS configurations as fleet nodes: deployed as they are, with the
/// toplevel nixos-rebuild would build from them. The configurations are built with the nixosSystem
/// of tests/nixpkgs-standin, a STAND-IN for nixpkgs (fixtures/cooked/configurations.nix).
/// </summary>
public sealed class CookedConfigurationTests
{
    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_cooked_node_without_the_deployment_module_deploys_the_toplevel_its_configuration_builds_alone()
    {
        var graph = await FleetEvaluation.GraphAsync(FleetEvaluation.Fixture("cooked-fleet.nix"));

        var plain = graph.Resources["node.plain"];
        Assert.Equal(await DrvPathAloneAsync("plain"), plain.InputString("drvPath"));
        Assert.Equal("plain", plain.InputString("targetHost"));
        Assert.Equal("root", plain.InputString("targetUser"));
        Assert.Empty(plain.InputStrings("tags"));
        Assert.DoesNotContain(graph.Resources.Keys, id => id.StartsWith("node.plain.", StringComparison.Ordinal));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_cooked_node_with_the_deployment_module_deploys_the_toplevel_its_configuration_builds_alone()
    {
        var graph = await FleetEvaluation.GraphAsync(FleetEvaluation.Fixture("cooked-fleet.nix"));

        var managed = graph.Resources["node.managed"];
        Assert.Equal(await DrvPathAloneAsync("managed"), managed.InputString("drvPath"));
        Assert.Equal("10.1.2.4", managed.InputString("targetHost"));
        Assert.Equal("deploy", managed.InputString("targetUser"));
        Assert.Equal(new[] { "cooked" }, managed.InputStrings("tags").ToArray());
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Secrets_and_hooks_of_a_cooked_configuration_belong_to_the_node_named_in_the_fleet()
    {
        var graph = await FleetEvaluation.GraphAsync(FleetEvaluation.Fixture("cooked-fleet.nix"));

        var secret = graph.Resources["node.managed.secret.token"];
        Assert.Equal("managed", secret.Node);
        Assert.Equal("10.1.2.4", secret.InputString("targetHost"));
        Assert.Contains("node.managed.secret.token", graph.Resources["node.managed"].DependsOn);

        var hook = graph.Resources["node.managed.hook.postActivate"];
        Assert.Equal("managed", hook.InputString("node"));
        Assert.Equal("10.1.2.4", hook.InputString("targetHost"));
        Assert.Equal("node.managed", hook.Inputs.GetProperty("watch").GetProperty("node.managed").GetProperty("systemPath").GetProperty("$ref").GetString());
        Assert.Equal(new[] { "node.managed" }, hook.DependsOn.ToArray());
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Fleet_does_not_evaluate_a_cooked_configuration_a_second_time()
    {
        // The configuration traces each evaluation of its modules; the expression forces both
        // fleet's drvPath and the configuration's own in one nix process.
        var result = await FleetEvaluation.InstantiateAsync(
            FleetEvaluation.Fixture(Path.Combine("cooked", "evaluated-once.nix")),
            "--arg", "fleetEval", FleetEvaluation.NixModule("fleet", "eval.nix"),
            "--arg", "nixpkgs", RepositoryPaths.NixpkgsStandin,
            "--arg", "deploymentModule", FleetEvaluation.NixModule("fleet", "deployment.nix"));

        using var drvPaths = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal(drvPaths.RootElement.GetProperty("alone").GetString(), drvPaths.RootElement.GetProperty("fleet").GetString());
        var traces = result.StandardError.Split('\n').Count(l => l.Contains("fleet-test: evaluating the cooked configuration", StringComparison.Ordinal));
        Assert.Equal(1, traces);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Modules_given_as_a_cooked_node_are_refused_naming_the_node()
    {
        var error = await Assert.ThrowsAsync<NixEvaluationException>(
            () => FleetEvaluation.GraphAsync(FleetEvaluation.Fixture("cooked-not-a-configuration.nix")));

        Assert.Contains("evaluatedNodes.web is not an evaluated NixOS configuration", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The configuration's toplevel drvPath, evaluated on its own in a nix process of its own (no fleet).</summary>
    private static async Task<string> DrvPathAloneAsync(string name)
    {
        var result = await FleetEvaluation.InstantiateAsync(
            FleetEvaluation.Fixture(Path.Combine("cooked", "configurations.nix")),
            "-A", $"{name}.config.system.build.toplevel.drvPath",
            "--arg", "nixpkgs", RepositoryPaths.NixpkgsStandin,
            "--arg", "deploymentModule", FleetEvaluation.NixModule("fleet", "deployment.nix"));
        var drvPath = JsonSerializer.Deserialize<string>(result.StandardOutput)!;
        Assert.Matches("^/nix/store/[a-z0-9]{32}-nixos-system-.*\\.drv$", drvPath);
        return drvPath;
    }
}
