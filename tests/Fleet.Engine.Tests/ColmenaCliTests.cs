using System.Text.Json;
using Fleet.Processes;
using Fleet.Testbed;

namespace Fleet.Engine.Tests;

/// <summary>The command-line habits fleet takes from Colmena that need no provider: goals, eval -E, nodes --complete, [suggest].</summary>
public sealed class ColmenaCliTests
{
    private static string Demo => Path.Combine(RepositoryPaths.Example("demo"), "fleet.nix");

    private static Task<ProcessResult> FleetAsync(params string[] args) =>
        new ProcessRunner().RunAsync(
            ProcessSpec.Create("dotnet", [Path.Combine(AppContext.BaseDirectory, "fleet.dll"), .. args]),
            CancellationToken.None);

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task An_unknown_goal_option_is_a_usage_error_naming_the_goals()
    {
        var result = await FleetAsync("apply", "-f", Demo, "--goal", "deploy");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--goal deploy: expected switch, boot, test, dry-activate, build, push or keys", result.StandardError, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_negative_parallel_is_a_usage_error_that_names_0_as_no_limit()
    {
        var result = await FleetAsync("apply", "-f", Demo, "-p", "-1");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--parallel -1: give a number of resources to work on at once, or 0 for no limit", result.StandardError, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Eval_E_applies_the_function_to_the_evaluated_nodes_pkgs_and_lib()
    {
        var result = await FleetAsync("eval", "-f", Demo, "-E",
            "{ nodes, pkgs, lib }: lib.mapAttrs (_: node: node.config.networking.hostName) nodes // { hasPkgs = pkgs ? lib; } # a comment");

        Assert.Equal(0, result.ExitCode);
        using var printed = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal(["api:api", "hasPkgs:True", "web:web", "worker:worker"], printed.RootElement.EnumerateObject().Select(p => $"{p.Name}:{p.Value}"));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Eval_FILE_reads_the_function_from_the_file()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("fleet-eval-").FullName, "count.nix");
        await File.WriteAllTextAsync(file, "{ nodes, ... }: builtins.length (builtins.attrNames nodes)\n");

        var result = await FleetAsync("eval", "-f", Demo, file);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("3", result.StandardOutput.Trim());
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Eval_instantiate_prints_the_drv_path_of_the_derivation_the_function_returns()
    {
        var instantiated = await FleetAsync("eval", "-f", Demo, "--instantiate", "-E", "{ nodes, ... }: nodes.web.config.system.build.toplevel");
        var graph = await FleetAsync("eval", "-f", Demo);

        Assert.Equal(0, instantiated.ExitCode);
        using var resources = JsonDocument.Parse(graph.StandardOutput);
        var drvPath = resources.RootElement.GetProperty("resources").GetProperty("node.web").GetProperty("inputs").GetProperty("drvPath").GetString();
        Assert.Equal(drvPath, instantiated.StandardOutput.Trim());
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Eval_with_both_E_and_a_file_is_a_usage_error()
    {
        var result = await FleetAsync("eval", "-f", Demo, "-E", "{ ... }: 1", "other.nix");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("-E and other.nix: give the function once", result.StandardError, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Nodes_complete_prints_node_names_then_tags()
    {
        var result = await FleetAsync("nodes", "-f", Demo, "--complete");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["api", "web", "worker", "@backend", "@demo", "@frontend"], result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Nodes_complete_of_a_fleet_that_does_not_evaluate_prints_nothing_at_all()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("fleet-complete-").FullName, "fleet.nix");
        await File.WriteAllTextAsync(file, "{ nodes.web = { \n");

        var result = await FleetAsync("nodes", "-f", file, "--nixpkgs", RepositoryPaths.NixpkgsStandin, "--complete");

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.StandardOutput);
        Assert.Empty(result.StandardError);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task The_suggest_directive_completes_an_unfinished_line_with_the_goals()
    {
        const string Line = "apply --goal ";

        var result = await FleetAsync($"[suggest:{Line.Length}]", Line);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["boot", "build", "dry-activate", "keys", "push", "switch", "test"], result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
