using System.Text.Json;
using Fleet.Processes;
using Fleet.Testbed;

namespace Fleet.Engine.Tests;

/// <summary>The fleet executable, run as a user would run it.</summary>
public sealed class CliTests
{
    private static Task<ProcessResult> FleetAsync(params string[] args) =>
        new ProcessRunner().RunAsync(
            ProcessSpec.Create("dotnet", [Path.Combine(AppContext.BaseDirectory, "fleet.dll"), .. args]),
            CancellationToken.None);

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Eval_prints_the_graph_as_json()
    {
        var result = await FleetAsync("eval", "-f", Path.Combine(RepositoryPaths.Example("demo"), "fleet.nix"));

        Assert.Equal(0, result.ExitCode);
        using var graph = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal("nixos.system", graph.RootElement.GetProperty("resources").GetProperty("node.web").GetProperty("type").GetString());
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Nodes_lists_targets_and_tags_of_the_selected_nodes()
    {
        var result = await FleetAsync("nodes", "-f", Path.Combine(RepositoryPaths.Example("demo"), "fleet.nix"), "--on", "@backend", "--json");

        Assert.Equal(0, result.ExitCode);
        using var rows = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal(["api", "worker"], rows.RootElement.EnumerateArray().Select(r => r.GetProperty("name").GetString()));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_nix_error_is_one_clear_message_with_the_position_and_exit_code_2()
    {
        var result = await FleetAsync("eval", "-f", FleetEvaluation.Fixture("type-error.nix"), "--nixpkgs", RepositoryPaths.NixpkgsStandin);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: ", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("deployment.targetPort", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at Fleet.", result.StandardError, StringComparison.Ordinal);
        Assert.Empty(result.StandardOutput);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_missing_fleet_file_is_a_usage_error()
    {
        var result = await FleetAsync("eval", "-f", "/nonexistent/fleet.nix");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("/nonexistent/fleet.nix", result.StandardError, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_selector_term_that_matches_no_node_is_a_usage_error_listing_the_nodes_and_tags()
    {
        var result = await FleetAsync("nodes", "-f", Path.Combine(RepositoryPaths.Example("demo"), "fleet.nix"), "--on", "web,zzz*");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--on web,zzz*: 'zzz*' matches no node of fleet demo; its nodes are api, web, worker; its tags are @backend", result.StandardError, StringComparison.Ordinal);
        Assert.Empty(result.StandardOutput);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Plan_on_a_selector_that_matches_nothing_stops_with_exit_2_before_planning()
    {
        var stateDirectory = Directory.CreateTempSubdirectory("fleet-cli-").FullName;
        try
        {
            var result = await FleetAsync(
                "plan", "-f", Path.Combine(RepositoryPaths.Example("demo"), "fleet.nix"), "--on", "@nosuchtag", "--state", Path.Combine(stateDirectory, "state.db"));

            Assert.Equal(2, result.ExitCode);
            Assert.Contains("'@nosuchtag' matches no node of fleet demo", result.StandardError, StringComparison.Ordinal);
            Assert.DoesNotContain("No changes", result.StandardOutput, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFiles(stateDirectory));
        }
        finally
        {
            Directory.Delete(stateDirectory, recursive: true);
        }
    }

    [Theory(Timeout = TestTimeouts.Local)]
    [InlineData("apply")]
    [InlineData("plan")]
    [InlineData("status")]
    public async Task An_unknown_option_is_named_with_its_command_and_exits_2(string verb)
    {
        var result = await FleetAsync(verb, "--bogus");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"fleet {verb}: unknown option --bogus\n", result.StandardError, StringComparison.Ordinal);
        Assert.Contains($"fleet {verb} --help", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Description:", result.StandardOutput + result.StandardError, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task An_unknown_option_before_an_argument_is_refused_not_read_as_a_value()
    {
        var result = await FleetAsync("apply", "--bogus", "plan.json");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("fleet apply: unknown option --bogus", result.StandardError, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Options_after_a_double_dash_belong_to_the_remote_command()
    {
        var result = await FleetAsync("exec", "-f", "/nonexistent/fleet.nix", "--on", "web", "--", "ls", "-l", "--bogus");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("/nonexistent/fleet.nix", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("unknown option", result.StandardError, StringComparison.Ordinal);
    }
}
