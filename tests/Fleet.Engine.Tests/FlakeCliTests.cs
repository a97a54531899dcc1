using System.Text.Json;
using Fleet.Processes;
using Fleet.Testbed;

namespace Fleet.Engine.Tests;

/// <summary>
/// The fleet executable on flakes, run as a user would (fixtures/flakes copied; their nixpkgs is
/// the nixpkgs STAND-IN, tests/nixpkgs-standin; colmena-hive's makeHive is a STAND-IN for Colmena's).
/// </summary>
public sealed class FlakeCliTests
{
    private static Task<ProcessResult> FleetAsync(string workingDirectory, params string[] args) =>
        new ProcessRunner().RunAsync(
            ProcessSpec.Create("dotnet", [Path.Combine(AppContext.BaseDirectory, "fleet.dll"), .. args])
                .WithWorkingDirectory(workingDirectory)
                .WithEnvironment("FLEET_STATE", null),
            CancellationToken.None);

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Nodes_run_in_a_subdirectory_find_the_flake_above_and_take_override_input()
    {
        using var flake = FlakeFixture.Copy("override");
        var below = Directory.CreateDirectory(flake.PathOf(Path.Combine("hosts", "solo"))).FullName;

        var result = await FleetAsync(below, "nodes", "--json", "--override-input", "nixpkgs", $"path:{RepositoryPaths.NixpkgsStandin}");

        Assert.True(result.ExitCode == 0, result.StandardError);
        using var rows = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal(["solo"], rows.RootElement.EnumerateArray().Select(r => r.GetProperty("name").GetString()));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task The_default_state_of_a_flake_found_from_a_subdirectory_is_beside_its_flake_nix()
    {
        using var flake = FlakeFixture.Copy("colmena-hive");
        var below = Directory.CreateDirectory(flake.PathOf("docs")).FullName;

        var result = await FleetAsync(below, "state", "list");

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains(flake.PathOf(Path.Combine(".fleet", "state.db")), result.StandardOutput + result.StandardError, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Plan_of_a_colmenaHive_flake_creates_each_of_its_nodes()
    {
        using var flake = FlakeFixture.Copy("colmena-hive");

        var result = await FleetAsync(flake.Directory, "plan", "-f", ".");

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("+ node.host-a (nixos.system)", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("+ node.host-b (nixos.system)", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Plan: 2 to create", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Eval_of_f_flake_hash_attribute_prints_that_fleets_graph()
    {
        using var flake = FlakeFixture.Copy("named");

        var result = await FleetAsync(Path.GetTempPath(), "eval", "-f", $"path:{flake.Directory}#fleets.production");

        Assert.True(result.ExitCode == 0, result.StandardError);
        using var graph = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal("production", graph.RootElement.GetProperty("fleet").GetString());
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Eval_E_of_a_flake_applies_the_function_to_its_nodes_and_instantiate_prints_the_toplevels_drv()
    {
        using var flake = FlakeFixture.Copy("fleet");

        var names = await FleetAsync(flake.Directory, "eval", "-f", ".", "-E", "{ nodes, lib, ... }: lib.mapAttrs (_: n: n.config.deployment.tags) nodes");
        var drv = await FleetAsync(flake.Directory, "eval", "-f", ".", "--instantiate", "-E", "{ nodes, ... }: nodes.web.config.system.build.toplevel");
        var graph = await FleetAsync(flake.Directory, "eval", "-f", ".");

        Assert.True(names.ExitCode == 0, names.StandardError);
        using var tags = JsonDocument.Parse(names.StandardOutput);
        Assert.Equal(["frontend"], tags.RootElement.GetProperty("web").EnumerateArray().Select(t => t.GetString()));
        Assert.Empty(tags.RootElement.GetProperty("db").EnumerateArray());
        Assert.True(drv.ExitCode == 0, drv.StandardError);
        using var resources = JsonDocument.Parse(graph.StandardOutput);
        var web = resources.RootElement.GetProperty("resources").GetProperty("node.web").GetProperty("inputs").GetProperty("drvPath").GetString();
        Assert.Equal(web, drv.StandardOutput.Trim());
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_flake_reference_that_does_not_exist_is_a_usage_error_naming_it()
    {
        var result = await FleetAsync(Path.GetTempPath(), "eval", "-f", "path:/nonexistent/infra#fleet");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("flake path:/nonexistent/infra does not exist", result.StandardError, StringComparison.Ordinal);
        Assert.Empty(result.StandardOutput);
    }
}
