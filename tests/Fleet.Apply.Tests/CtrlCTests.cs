using System.Text.Json;
using Fleet.Testbed;

namespace Fleet.Apply.Tests;

/// <summary>
/// Ctrl-C as a terminal delivers it: fleet runs as the foreground job of its own pseudo-terminal
/// and the terminal's interrupt character sends SIGINT to that whole foreground process group
/// (<see cref="TerminalSession"/>). The providers must not be in that group: fleet alone decides
/// what happens to them. Each create of the dummy provider is held until the test releases it.
/// </summary>
public sealed class CtrlCTests : IDisposable
{
    private readonly FleetWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private string Release => _ws.File("release");

    private string ProviderPidFile => _ws.File("provider.pid");

    private void WriteTwoThings() => _ws.WriteFleet($$"""
          providers.slow.command = [ {{FleetWorkspace.DummyProvider("slow", "slow")}} ];
          resources.t1 = { type = "slow.thing"; inputs = { name = "t1"; value = "v1"; }; };
          resources.t2 = { type = "slow.thing"; inputs = { name = "t2"; value = "v2"; }; };
        """);

    /// <summary>`fleet apply` at a terminal, one create at a time, each held until <see cref="Release"/> exists.</summary>
    private TerminalSession StartHeldApply(params (string Name, string Value)[] environment)
    {
        var spec = _ws.Command("apply", "--plain", "--parallel", "1")
            .WithEnvironment("FLEET_DUMMY_HOLD_FILE", Release)
            .WithEnvironment("FLEET_DUMMY_PID_FILE", ProviderPidFile);
        foreach (var (name, value) in environment)
        {
            spec = spec.WithEnvironment(name, value);
        }

        return TerminalSession.Start(spec);
    }

    private string[] Calls() => File.Exists(_ws.DummyCallLog) ? File.ReadAllLines(_ws.DummyCallLog) : [];

    /// <summary>Waits until the provider is holding its first create; returns that resource's id.</summary>
    private async Task<string> HeldCreateAsync(TerminalSession terminal)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            if (Calls().FirstOrDefault(c => c.StartsWith("start create ", StringComparison.Ordinal)) is { } started)
            {
                return started["start create ".Length..];
            }

            Assert.False(terminal.HasExited, "fleet exited before the provider started a create:\n" + terminal.Output);
            Assert.True(DateTime.UtcNow < deadline, "the provider started no create:\n" + terminal.Output);
            await Task.Delay(50);
        }
    }

    private async Task<string[]> StateIdsAsync()
    {
        var list = await _ws.RunAsync("state", "list", "--json");
        Assert.True(list.ExitCode == 0, list.StandardError);
        return [.. JsonDocument.Parse(list.StandardOutput).RootElement.EnumerateArray().Select(r => r.GetProperty("id").GetString()!)];
    }

    private int ProviderPid() => int.Parse(File.ReadAllText(ProviderPidFile), System.Globalization.CultureInfo.InvariantCulture);

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Ctrl_C_once_lets_the_held_call_finish_writes_its_state_starts_nothing_new_and_exits_130()
    {
        WriteTwoThings();
        await using var terminal = StartHeldApply();
        var held = await HeldCreateAsync(terminal);

        await terminal.InterruptAsync();
        await terminal.WaitForLineAsync("interrupted: starting nothing new");
        // The provider did not get the terminal's SIGINT: it is alive, still holding the call.
        Assert.True(LiveProcesses.IsRunning(ProviderPid()), "the provider died of the Ctrl-C:\n" + terminal.Output);
        File.WriteAllText(Release, "");
        var exit = await terminal.WaitForExitAsync();

        Assert.True(exit == 130, $"exit {exit}:\n{terminal.Output}");
        Assert.Contains($"end create {held}", Calls());
        Assert.Single(Calls(), c => c.StartsWith("start create ", StringComparison.Ordinal));
        Assert.Equal([held], await StateIdsAsync());
        Assert.Single(terminal.Lines, l => l.Contains("interrupted: starting nothing new", StringComparison.Ordinal));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Ctrl_C_twice_cancels_the_held_call_through_the_provider_and_state_stays_true()
    {
        WriteTwoThings();
        await using var terminal = StartHeldApply();
        var held = await HeldCreateAsync(terminal);

        await terminal.InterruptAsync();
        await terminal.WaitForLineAsync("interrupted: starting nothing new");
        await terminal.InterruptAsync();
        await terminal.WaitForLineAsync("interrupted again: cancelling running steps");
        var exit = await terminal.WaitForExitAsync();

        Assert.True(exit == 130, $"exit {exit}:\n{terminal.Output}");
        // `$/cancel` reached the provider, which stopped the create: nothing was made, nothing recorded.
        Assert.Contains($"cancelled create {held}", Calls());
        Assert.DoesNotContain($"end create {held}", Calls());
        Assert.Single(Calls(), c => c.StartsWith("start create ", StringComparison.Ordinal));
        Assert.Empty(await StateIdsAsync());
        Assert.False(File.Exists(Path.Combine(_ws.Dir, "dummy-things", held + ".json")));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Ctrl_C_twice_lets_a_cancelled_calls_slow_cleanup_finish_before_fleet_exits()
    {
        WriteTwoThings();
        // The cancelled create has cleanup to do (as the nixos provider tells a node to roll back
        // now), held until the test releases it, heart-beating meanwhile.
        var cleanup = _ws.File("cleanup-done");
        await using var terminal = StartHeldApply(("FLEET_DUMMY_CLEANUP_HOLD_FILE", cleanup));
        var held = await HeldCreateAsync(terminal);
        var provider = ProviderPid();

        await terminal.InterruptAsync();
        await terminal.WaitForLineAsync("interrupted: starting nothing new");
        await terminal.InterruptAsync();
        await terminal.WaitForLineAsync("interrupted again: cancelling running steps");
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!Calls().Contains($"start cleanup {held}"))
        {
            Assert.False(terminal.HasExited, "fleet exited before the cleanup started:\n" + terminal.Output);
            Assert.True(DateTime.UtcNow < deadline, "the cancelled create started no cleanup:\n" + terminal.Output);
            await Task.Delay(50);
        }

        // Held past everything fleet used to give a cancelled call and its provider (5 s for the
        // answer, 5 s for `shutdown`, 5 s to exit, then the kill): neither may give up meanwhile.
        var started = DateTime.UtcNow;
        while (DateTime.UtcNow - started < TimeSpan.FromSeconds(30))
        {
            Assert.False(terminal.HasExited, "fleet exited during the cleanup:\n" + terminal.Output);
            Assert.True(LiveProcesses.IsRunning(provider), "the provider was stopped during the cleanup:\n" + terminal.Output);
            await Task.Delay(200);
        }

        File.WriteAllText(cleanup, "");
        var exit = await terminal.WaitForExitAsync();

        Assert.True(exit == 130, $"exit {exit}:\n{terminal.Output}");
        Assert.Contains($"end cleanup {held}", Calls());
        Assert.DoesNotContain($"end create {held}", Calls());
        Assert.Empty(await StateIdsAsync());
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Ctrl_C_three_times_exits_at_once_with_130_and_leaves_no_provider_behind()
    {
        WriteTwoThings();
        // The held create ignores `$/cancel`: only the third Ctrl-C can end this run early.
        await using var terminal = StartHeldApply(("FLEET_DUMMY_IGNORE_CANCEL", "1"));
        await HeldCreateAsync(terminal);
        var provider = ProviderPid();

        await terminal.InterruptAsync();
        await terminal.WaitForLineAsync("interrupted: starting nothing new");
        await terminal.InterruptAsync();
        await terminal.WaitForLineAsync("interrupted again: cancelling running steps");
        await terminal.InterruptAsync();
        var exit = await terminal.WaitForExitAsync();

        Assert.True(exit == 130, $"exit {exit}:\n{terminal.Output}");
        Assert.Single(terminal.Lines, l => l.Contains("interrupted a third time: exiting now", StringComparison.Ordinal));
        // It did not wait for the run to end: no summary, and the held call was never answered.
        Assert.DoesNotContain(terminal.Lines, l => l.StartsWith("Apply: ", StringComparison.Ordinal));
        await LiveProcesses.WaitUntilGoneAsync(provider, "the provider");
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Ctrl_C_during_evaluation_stops_nix_exits_130_and_writes_no_state()
    {
        // The evaluation builds a derivation (import from derivation) whose builder waits for a file
        // that never comes: nix is held inside the evaluation until it is stopped.
        var started = _ws.File("eval-started");
        _ws.WriteFleet($$"""
              providers.slow.command = [ {{FleetWorkspace.DummyProvider("slow", "slow")}} ];
              resources.t1 = {
                type = "slow.thing";
                inputs = {
                  name = "t1";
                  value = builtins.readFile (derivation {
                    name = "held-evaluation";
                    system = builtins.currentSystem;
                    builder = "/bin/sh";
                    args = [ "-c" "echo > {{started}}; while [ ! -e {{_ws.File("never")}} ]; do /bin/sleep 0.1; done; echo v1 > $out" ];
                  });
                };
              };
            """);
        await using var terminal = TerminalSession.Start(_ws.Command("apply", "--plain"));
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!File.Exists(started))
        {
            Assert.False(terminal.HasExited, "fleet exited before nix started the held build:\n" + terminal.Output);
            Assert.True(DateTime.UtcNow < deadline, "nix did not start the held build:\n" + terminal.Output);
            await Task.Delay(50);
        }

        await terminal.InterruptAsync();
        var exit = await terminal.WaitForExitAsync();

        Assert.True(exit == 130, $"exit {exit}:\n{terminal.Output}");
        Assert.Single(terminal.Lines, l => l.Contains("interrupted: stopping", StringComparison.Ordinal));
        Assert.False(File.Exists(_ws.StatePath), "a state database was written");
        await LiveProcesses.WaitUntilNoneAsync(_ws.Dir, "nix evaluating this fleet");
    }
}
