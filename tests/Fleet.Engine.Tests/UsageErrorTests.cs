using Fleet.Processes;
using Fleet.Testbed;

namespace Fleet.Engine.Tests;

/// <summary>A mistake on the command line: exit 2, the word named, a suggestion, before anything runs.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class UsageErrorTests
{
    private static Task<ProcessResult> FleetAsync(params string[] args) =>
        new ProcessRunner().RunAsync(
            ProcessSpec.Create("dotnet", [Path.Combine(AppContext.BaseDirectory, "fleet.dll"), .. args]),
            CancellationToken.None);

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_mistyped_option_is_named_with_the_nearest_option_of_the_command_and_not_read_as_a_plan_file()
    {
        var result = await FleetAsync("apply", "--plian");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("fleet apply: unknown option --plian; did you mean --plain?\n", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("plan file", result.StandardError, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_mistyped_option_with_a_value_is_named_and_its_value_is_not()
    {
        var result = await FleetAsync("apply", "--paralel", "3");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(
            "fleet apply: unknown option --paralel; did you mean --parallel?\n(see `fleet apply --help`)\n",
            result.StandardError.ReplaceLineEndings("\n"));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_mistyped_root_option_is_suggested_on_any_verb()
    {
        var result = await FleetAsync("plan", "--show-trac");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("fleet plan: unknown option --show-trac; did you mean --show-trace?\n", result.StandardError, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_mistyped_verb_is_named_with_the_nearest_verb()
    {
        var result = await FleetAsync("aply");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("fleet: unexpected argument 'aply'; did you mean apply?\n", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Required command", result.StandardError, StringComparison.Ordinal);
    }

    [Theory(Timeout = TestTimeouts.Local)]
    [InlineData("--parallel -1", "--parallel -1: give a number")]
    [InlineData("--goal bogus", "--goal bogus: expected switch")]
    [InlineData("--build-on-target --no-build-on-target", "contradict each other")]
    [InlineData("boot --goal switch", "the goal is given twice")]
    public async Task A_bad_option_value_of_apply_exits_2_before_the_fleet_is_read(string options, string message)
    {
        var result = await FleetAsync(["apply", "-f", "/nonexistent/fleet.nix", .. options.Split(' ')]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("/nonexistent/fleet.nix", result.StandardError, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_bad_parallel_of_exec_exits_2_before_the_fleet_is_read()
    {
        var result = await FleetAsync("exec", "-f", "/nonexistent/fleet.nix", "--parallel", "-1", "--on", "web", "--", "true");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--parallel -1: give a number", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("/nonexistent/fleet.nix", result.StandardError, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Show_trace_gives_nix_evaluation_errors_their_whole_trace()
    {
        string[] eval = ["eval", "-f", FleetEvaluation.Fixture("type-error.nix"), "--nixpkgs", RepositoryPaths.NixpkgsStandin];

        var plain = await FleetAsync(eval);
        var traced = await FleetAsync([.. eval, "--show-trace"]);

        Assert.Equal(2, plain.ExitCode);
        Assert.Contains("use '--show-trace'", plain.StandardError, StringComparison.Ordinal);
        Assert.Equal(2, traced.ExitCode);
        Assert.Contains("deployment.targetPort", traced.StandardError, StringComparison.Ordinal);
        Assert.Contains("… while evaluating", traced.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("use '--show-trace'", traced.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--plian", "--plain", 1)]
    [InlineData("--paralel", "--parallel", 1)]
    [InlineData("--bogus", "--json", 5)]
    [InlineData("abc", "abc", 0)]
    public void Edit_distance_counts_a_swap_of_neighbours_as_one_edit(string a, string b, int expected) =>
        Assert.Equal(expected, Fleet.Cli.UsageErrors.EditDistance(a, b));
}
