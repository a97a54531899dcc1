using System.Text.Json;
using Fleet.Engine.Graph;
using Fleet.Testbed;

namespace Fleet.Engine.Tests;

/// <summary>
/// fleet's flake-parts module (flake.nix's flakeModules.default) in a flake written with
/// flake-parts (fixtures/flake-parts/outputs.nix). flake-parts is tests/flake-parts-standin and
/// nixpkgs tests/nixpkgs-standin: both STAND-INs, not the real projects.
/// </summary>
public sealed class FlakePartsModuleTests
{
    private static string Outputs => FleetEvaluation.Fixture(Path.Combine("flake-parts", "outputs.nix"));

    private static readonly string[] Inputs =
    [
        "--arg", "flakePartsStandin", Path.Combine(RepositoryPaths.Root, "tests", "flake-parts-standin"),
        "--arg", "nixpkgsStandin", RepositoryPaths.NixpkgsStandin,
        "--arg", "fleetSource", RepositoryPaths.Root,
    ];

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task The_flake_parts_module_evaluates_the_fleet_declared_in_the_tree()
    {
        var graph = Parse(await OutputAsync("fleetGraph"));

        Assert.Equal("parts", graph.Fleet);
        Assert.Equal(new[] { "node.db", "node.web" }, graph.Nodes.Select(n => n.Id).ToArray());
        Assert.Equal(new[] { "frontend" }, graph.Resources["node.web"].InputStrings("tags").ToArray());
        Assert.Equal("web", graph.Resources["node.web"].InputString("targetHost"));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Another_module_of_the_tree_reads_the_evaluated_fleet()
    {
        using var inventory = JsonDocument.Parse(await OutputAsync("inventory"));
        Assert.Equal("db", inventory.RootElement.GetProperty("db").GetProperty("host").GetString());
        Assert.Equal("frontend", inventory.RootElement.GetProperty("web").GetProperty("tags")[0].GetString());

        using var hostName = JsonDocument.Parse(await OutputAsync("dbHostName"));
        Assert.Equal("db", hostName.RootElement.GetString());
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Nixos_configurations_another_module_made_are_fleet_nodes_as_they_are()
    {
        var graph = Parse(await OutputAsync("fleetGraph"));
        using var drvPath = JsonDocument.Parse(await OutputAsync("nixosConfigurations.db.config.system.build.toplevel.drvPath"));

        Assert.Equal(drvPath.RootElement.GetString(), graph.Resources["node.db"].InputString("drvPath"));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Fleets_evaluator_reads_the_flake_fleet_output_as_the_tree_sees_it()
    {
        // eval.nix with the entry the CLI takes from a flake (`outputs.fleet`) and no nixpkgs
        // given: the output itself says which nixpkgs.
        var entry = $"(import {Outputs} {{ flakePartsStandin = {Inputs[2]}; nixpkgsStandin = {Inputs[5]}; fleetSource = {Inputs[8]}; }}).fleet";
        var result = await FleetEvaluation.InstantiateAsync(
            FleetEvaluation.NixModule("fleet", "eval.nix"), "-A", "resourceGraph", "--arg", "entry", entry);

        var read = Parse(result.StandardOutput);
        var seen = Parse(await OutputAsync("fleetGraph"));
        Assert.Equal(seen.Resources.Keys.Order(StringComparer.Ordinal), read.Resources.Keys.Order(StringComparer.Ordinal));
        Assert.All(seen.Nodes, n => Assert.Equal(n.InputString("drvPath"), read.Resources[n.Id].InputString("drvPath")));
    }

    private static async Task<string> OutputAsync(string attribute) =>
        (await FleetEvaluation.InstantiateAsync(Outputs, ["-A", attribute, .. Inputs])).StandardOutput;

    private static ResourceGraph Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        new GraphSchemaValidator(FleetPaths.Discover().Schema("resource-graph.schema.json")).Validate(document.RootElement);
        return ResourceGraph.Parse(document.RootElement);
    }
}
