using Fleet.Testbed;

namespace Fleet.NixOS.Tests;

/// <summary>
/// Ctrl-C at a terminal (<see cref="TerminalSession"/>) while the deployer builds a node's new
/// system: a derivation in its closure waits, in its builder, for a file the test creates (the
/// project's nix.conf has no sandbox, so the builder sees it).
/// </summary>
[Trait("Category", "Integration")]
public sealed class CtrlCBuildTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fleet-held-build-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Started => Path.Combine(_dir, "started");

    private string Release => Path.Combine(_dir, "release");

    /// <summary>v2 with a path whose build is held until <see cref="Release"/> exists (its name is new for each test: its builder names this test's directory).</summary>
    private string HeldBuild => $$$"""
        test.version = "v2";
        system.activationScripts.held = "test -s ${derivation {
          name = "fleet-test-held-build";
          system = builtins.currentSystem;
          builder = "/bin/sh";
          args = [ "-c" "echo > {{{Started}}}; while [ ! -e {{{Release}}} ]; do /bin/sleep 0.1; done; echo built > $out" ];
        }}";
        """;

    private async Task WaitForBuildAsync(TerminalSession terminal)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (!File.Exists(Started))
        {
            Assert.False(terminal.HasExited, "fleet exited before the held build started:\n" + terminal.Output);
            Assert.True(DateTime.UtcNow < deadline, "the held build did not start:\n" + terminal.Output);
            await Task.Delay(50);
        }
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Ctrl_C_once_during_the_build_lets_it_finish_and_the_node_is_deployed()
    {
        var file = FleetFile.For("a");
        await using var fleet = await TestbedFleet.DeployedAsync(file);
        fleet.Write(file.With("a", HeldBuild));
        await using var terminal = TerminalSession.Start(fleet.FleetCommand(fleet.Dir, "apply", "--plain"));
        await WaitForBuildAsync(terminal);

        await terminal.InterruptAsync();
        await terminal.WaitForLineAsync("interrupted: starting nothing new");
        File.WriteAllText(Release, "");
        var exit = await terminal.WaitForExitAsync();

        Assert.True(exit == 130, $"exit {exit}:\n{terminal.Output}");
        Assert.Equal("a v2", await fleet.PageAsync("a"));
        Assert.Equal("confirmed", (await fleet.AgentStatusAsync("a")).GetProperty("lastActivation").GetProperty("outcome").GetString());
        var state = await fleet.StateAsync("a");
        Assert.Equal("ready", state.GetProperty("status").GetString());
        Assert.Equal(await fleet.CurrentSystemAsync("a"), state.GetProperty("outputs").GetProperty("systemPath").GetString());
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Ctrl_C_twice_during_the_build_cancels_it_leaves_no_build_running_and_activates_nothing()
    {
        var file = FleetFile.For("a");
        await using var fleet = await TestbedFleet.DeployedAsync(file);
        var before = await fleet.CurrentSystemAsync("a");
        var activations = (await fleet.AgentStatusAsync("a")).GetProperty("lastActivation").GetRawText();
        fleet.Write(file.With("a", HeldBuild));
        await using var terminal = TerminalSession.Start(fleet.FleetCommand(fleet.Dir, "apply", "--plain"));
        await WaitForBuildAsync(terminal);

        await terminal.InterruptAsync();
        await terminal.WaitForLineAsync("interrupted: starting nothing new");
        await terminal.InterruptAsync();
        await terminal.WaitForLineAsync("interrupted again: cancelling running steps");
        var exit = await terminal.WaitForExitAsync();

        Assert.True(exit == 130, $"exit {exit}:\n{terminal.Output}");
        // The builder (its argv names this test's directory), which nix ends when it stops the build, is gone unreleased.
        await LiveProcesses.WaitUntilNoneAsync(_dir, "the held build");
        Assert.False(File.Exists(Release));
        Assert.Equal(before, await fleet.CurrentSystemAsync("a"));
        Assert.Equal("a v1", await fleet.PageAsync("a"));
        Assert.Equal(activations, (await fleet.AgentStatusAsync("a")).GetProperty("lastActivation").GetRawText());
        Assert.Equal(before, (await fleet.StateAsync("a")).GetProperty("outputs").GetProperty("systemPath").GetString());
    }
}
