using Fleet.Processes;
using Fleet.Testbed;

namespace Fleet.Engine.Tests;

/// <summary>
/// A verb that changes machines acts on every node only when told so: rollback without --on asks
/// at a terminal and is refused elsewhere, and meta.allowApplyAll = false refuses every such verb
/// without --on (build, which changes no machine, excepted). Each is refused before any node is reached.
/// </summary>
public sealed class SafeDefaultTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fleet-safe-defaults-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Demo => Path.Combine(RepositoryPaths.Example("demo"), "fleet.nix");

    /// <summary>A state of its own (none yet), never the demo's: the demo directory may hold one.</summary>
    private ProcessSpec Fleet(params string[] args) =>
        ProcessSpec.Create("dotnet", [Path.Combine(AppContext.BaseDirectory, "fleet.dll"), .. args, "--state", Path.Combine(_dir, "state.db")]);

    private Task<ProcessResult> FleetAsync(params string[] args) => new ProcessRunner().RunAsync(Fleet(args), CancellationToken.None);

    /// <summary>A hive of two nodes with meta.allowApplyAll = false (Colmena's guard), written here.</summary>
    private string ApplyAllHive()
    {
        var hive = Path.Combine(_dir, "hive.nix");
        File.WriteAllText(hive, $$"""
            {
              meta = { nixpkgs = {{RepositoryPaths.NixpkgsStandin}}; allowApplyAll = false; };
              alpha = { deployment.tags = [ "target" ]; deployment.keys.token.text = "not a real secret"; };
              beta = { };
            }
            """);
        return hive;
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Rollback_without_on_and_without_a_terminal_is_refused_saying_how_to_roll_back_every_node()
    {
        var result = await FleetAsync("rollback", "-f", Demo);

        Assert.True(result.ExitCode == 2, result.StandardOutput + result.StandardError);
        Assert.Contains("no --on given: this would roll back every node of fleet demo (api, web, worker)", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("--on '*'", result.StandardError, StringComparison.Ordinal);
        Assert.Empty(result.StandardOutput);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Rollback_on_star_rolls_back_every_node_without_asking()
    {
        var result = await FleetAsync("rollback", "-f", Demo, "--on", "*");

        // Never deployed: each node is reached and says so, none is skipped.
        Assert.True(result.ExitCode == 1, result.StandardOutput + result.StandardError);
        foreach (var node in new[] { "api", "web", "worker" })
        {
            Assert.Contains($"{node}: failed: fleet has not deployed this node yet", result.StandardOutput, StringComparison.Ordinal);
        }
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Rollback_without_on_at_a_terminal_asks_and_a_no_rolls_back_nothing()
    {
        await using var terminal = TerminalSession.Start(Fleet("rollback", "-f", Demo));

        await terminal.WaitForTextAsync("No --on given: roll back every node of fleet demo (api, web, worker)? [y/N]");
        await terminal.TypeLineAsync("n");
        var exit = await terminal.WaitForExitAsync();

        Assert.True(exit == 1, $"exit {exit}:\n{terminal.Output}");
        Assert.Contains("nothing was done", terminal.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("rolled back", terminal.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("has not deployed", terminal.Output, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Rollback_without_on_of_a_fleet_that_disallows_apply_all_is_refused()
    {
        var result = await FleetAsync("rollback", "-f", ApplyAllHive());

        Assert.True(result.ExitCode == 2, result.StandardOutput + result.StandardError);
        Assert.Contains("meta.allowApplyAll = false: name the nodes to roll back with --on", result.StandardError, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Exec_without_on_of_a_fleet_that_disallows_apply_all_is_refused()
    {
        var result = await FleetAsync("exec", "-f", ApplyAllHive(), "--", "true");

        Assert.True(result.ExitCode == 2, result.StandardOutput + result.StandardError);
        Assert.Contains("meta.allowApplyAll = false: name the nodes to run the command on with --on", result.StandardError, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Upload_secrets_without_on_of_a_fleet_that_disallows_apply_all_is_refused()
    {
        var result = await FleetAsync("upload-keys", "-f", ApplyAllHive());

        Assert.True(result.ExitCode == 2, result.StandardOutput + result.StandardError);
        Assert.Contains("meta.allowApplyAll = false", result.StandardError, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Build_without_on_of_a_fleet_that_disallows_apply_all_builds_every_node()
    {
        var result = await FleetAsync("build", "-f", ApplyAllHive(), "--plain");

        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        Assert.DoesNotContain("allowApplyAll", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("Apply: 2 succeeded", result.StandardOutput, StringComparison.Ordinal);
    }
}
