using System.Text.RegularExpressions;
using Fleet.Processes;
using Fleet.Testbed;

namespace Fleet.Apply.Tests;

/// <summary>
/// The exit codes docs/user-guide.md documents are the ones fleet exits with: the table under
/// "Errors and exit codes" is read, and each row is checked by running fleet into that case.
/// A row without a check here, or a check of a code the table does not have, fails.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class ExitCodeDocsTests : IDisposable
{
    private readonly FleetWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    /// <summary>The table's rows as (code, meaning); a code may say where it applies, `2 (plan --detailed-exitcode)`.</summary>
    private static List<(string Code, string Meaning)> DocumentedCodes()
    {
        var guide = File.ReadAllLines(Path.Combine(RepositoryPaths.Root, "docs", "user-guide.md"));
        var start = Array.IndexOf(guide, "## Errors and exit codes");
        Assert.True(start >= 0, "docs/user-guide.md has no section \"## Errors and exit codes\"");
        return [.. guide.Skip(start + 1)
            .TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal))
            .Select(l => Row().Match(l))
            .Where(m => m.Success)
            .Select(m => (m.Groups["code"].Value.Trim(), m.Groups["meaning"].Value.Trim()))];
    }

    private void WriteThings() => _ws.WriteFleet($$"""
          providers.dummy.command = [ {{FleetWorkspace.DummyProvider("well-behaved", "dummy")}} ];
          resources.a = { type = "dummy.thing"; inputs = { name = "a"; value = "one"; }; };
        """);

    /// <summary>Runs fleet into the case a row documents and returns its exit code.</summary>
    private async Task<int> ExitCodeOfAsync(string code)
    {
        switch (code)
        {
            case "0":
                WriteThings();
                return (await _ws.RunAsync("apply", "--plain")).ExitCode;
            case "1":
                // A resource that cannot be planned: its provider is not there.
                _ws.WriteFleet("""
                      providers.ghost.command = [ "/nonexistent/fleet-provider-ghost" ];
                      resources.a = { type = "ghost.thing"; inputs = { }; };
                    """);
                return (await _ws.RunAsync("plan")).ExitCode;
            case "2":
                WriteThings();
                return (await _ws.RunAsync("apply", "--plian")).ExitCode;
            case "2 (plan --detailed-exitcode)":
                WriteThings();
                return (await _ws.RunAsync("plan", "--detailed-exitcode")).ExitCode;
            case "70":
                // A bug cannot be caused on purpose; the code every unexpected exception maps to is checked instead.
                return Fleet.Cli.FleetCli.ExitBug;
            case "130":
                return await InterruptedApplyAsync();
            default:
                Assert.Fail($"docs/user-guide.md documents exit code {code}, which this test does not check: add its case");
                return -1;
        }
    }

    /// <summary>`fleet apply` at a terminal, Ctrl-C while a create is held, then the create released.</summary>
    private async Task<int> InterruptedApplyAsync()
    {
        var release = _ws.File("release");
        _ws.WriteFleet($$"""
              providers.slow.command = [ {{FleetWorkspace.DummyProvider("slow", "slow")}} ];
              resources.t1 = { type = "slow.thing"; inputs = { name = "t1"; value = "v1"; }; };
            """);
        await using var terminal = TerminalSession.Start(_ws.Command("apply", "--plain").WithEnvironment("FLEET_DUMMY_HOLD_FILE", release));
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!File.Exists(_ws.DummyCallLog) || !File.ReadAllText(_ws.DummyCallLog).Contains("start create t1", StringComparison.Ordinal))
        {
            Assert.False(terminal.HasExited, "fleet exited before the provider started its create:\n" + terminal.Output);
            Assert.True(DateTime.UtcNow < deadline, "the provider started no create:\n" + terminal.Output);
            await Task.Delay(50);
        }

        await terminal.InterruptAsync();
        await terminal.WaitForLineAsync("interrupted: starting nothing new");
        await File.WriteAllTextAsync(release, "");
        return await terminal.WaitForExitAsync();
    }

    [Fact]
    public void The_user_guide_documents_success_failure_usage_interruption_and_the_detailed_plan_codes()
    {
        var codes = DocumentedCodes().Select(r => r.Code).ToList();

        Assert.Equal(["0", "1", "2", "2 (plan --detailed-exitcode)", "70", "130"], codes);
    }

    [Theory(Timeout = TestTimeouts.Local)]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("2")]
    [InlineData("2 (plan --detailed-exitcode)")]
    [InlineData("70")]
    [InlineData("130")]
    public async Task Each_exit_code_of_the_user_guide_is_what_fleet_exits_with_in_that_case(string code)
    {
        var documented = DocumentedCodes().Single(r => r.Code == code);

        var exit = await ExitCodeOfAsync(code);

        Assert.True(int.Parse(Number().Match(code).Value, System.Globalization.CultureInfo.InvariantCulture) == exit, $"the user guide says {code}: {documented.Meaning}; fleet exited {exit}");
    }

    [GeneratedRegex(@"^\|\s*(?<code>\d+[^|]*?)\s*\|\s*(?<meaning>.+?)\s*\|\s*$")]
    private static partial Regex Row();

    [GeneratedRegex(@"^\d+")]
    private static partial Regex Number();
}
