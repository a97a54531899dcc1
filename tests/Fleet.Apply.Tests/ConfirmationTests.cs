using Fleet.Testbed;

namespace Fleet.Apply.Tests;

/// <summary>
/// `fleet apply` asks at a terminal before it deletes or replaces anything (a real pseudo-terminal,
/// <see cref="TerminalSession"/>); `--yes` and a run without a terminal never ask.
/// </summary>
public sealed class ConfirmationTests : IDisposable
{
    private const string Question = "Apply? this deletes 1 resource [y/N]";
    private readonly FleetWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    /// <summary>Applies notes and old, then takes old out of the fleet: the next apply deletes it.</summary>
    private async Task DeployThenDropOldAsync()
    {
        var provider = $"providers.local.command = [ {FleetWorkspace.PythonProvider} ];";
        string Resource(string name) => $$"""resources.{{name}} = { type = "local.file"; inputs = { path = "{{_ws.File(name + ".txt")}}"; content = "{{name}}"; }; };""";
        _ws.WriteFleet(provider + "\n" + Resource("notes") + "\n" + Resource("old"));
        var first = await _ws.RunAsync("apply", "--plain");
        Assert.True(first.ExitCode == 0, first.StandardOutput + first.StandardError);
        _ws.WriteFleet(provider + "\n" + Resource("notes"));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task At_a_terminal_apply_asks_before_it_deletes_and_a_no_applies_nothing()
    {
        await DeployThenDropOldAsync();
        await using var terminal = TerminalSession.Start(_ws.Command("apply", "--plain"));

        await terminal.WaitForTextAsync(Question);
        await terminal.TypeLineAsync("n");
        var exit = await terminal.WaitForExitAsync();

        Assert.True(exit == 1, $"exit {exit}:\n{terminal.Output}");
        Assert.Contains("- old (local.file)", terminal.Output, StringComparison.Ordinal);
        Assert.Contains("nothing was applied", terminal.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(_ws.File("old.txt")), terminal.Output);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task At_a_terminal_a_yes_to_the_question_applies_the_plan()
    {
        await DeployThenDropOldAsync();
        await using var terminal = TerminalSession.Start(_ws.Command("apply", "--plain"));

        await terminal.WaitForTextAsync(Question);
        await terminal.TypeLineAsync("y");
        var exit = await terminal.WaitForExitAsync();

        Assert.True(exit == 0, $"exit {exit}:\n{terminal.Output}");
        Assert.False(File.Exists(_ws.File("old.txt")), terminal.Output);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task At_a_terminal_yes_on_the_command_line_applies_without_asking()
    {
        await DeployThenDropOldAsync();
        await using var terminal = TerminalSession.Start(_ws.Command("apply", "--plain", "-y"));

        var exit = await terminal.WaitForExitAsync();

        Assert.True(exit == 0, $"exit {exit}:\n{terminal.Output}");
        Assert.DoesNotContain("Apply?", terminal.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(_ws.File("old.txt")), terminal.Output);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task At_a_terminal_a_saved_plan_is_applied_without_asking_as_it_was_reviewed_when_saved()
    {
        await DeployThenDropOldAsync();
        var save = await _ws.RunAsync("plan", "-o", _ws.File("saved.plan"));
        Assert.True(save.ExitCode == 0, save.StandardOutput + save.StandardError);
        await using var terminal = TerminalSession.Start(_ws.Command("apply", "--plain", _ws.File("saved.plan")));

        var exit = await terminal.WaitForExitAsync();

        Assert.True(exit == 0, $"exit {exit}:\n{terminal.Output}");
        Assert.DoesNotContain("Apply?", terminal.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(_ws.File("old.txt")), terminal.Output);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Without_a_terminal_apply_deletes_without_waiting_for_input()
    {
        await DeployThenDropOldAsync();
        // Standard input stays open and silent: a question would wait on it until the test times out.
        using var fleet = _ws.Start("apply", "--plain");
        var output = fleet.StandardOutput.ReadToEndAsync();
        var errors = fleet.StandardError.ReadToEndAsync();

        await fleet.WaitForExitAsync();

        Assert.True(fleet.ExitCode == 0, await output + await errors);
        Assert.DoesNotContain("Apply?", await errors, StringComparison.Ordinal);
        Assert.False(File.Exists(_ws.File("old.txt")));
    }
}
