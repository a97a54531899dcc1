using System.Text.Json;
using Fleet.Processes;
using Fleet.State;
using Fleet.Tests;

namespace Fleet.Apply.Tests;

/// <summary>
/// A mistake in the command or the state stops fleet with exit 2 and one clear message before
/// anything runs: a selection that selects nothing, a state path in a missing directory, an
/// unknown resource type, a damaged state database.
/// </summary>
public sealed class MistakeTests : IDisposable
{
    private readonly FleetWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private void WriteThings(string extra = "") => _ws.WriteFleet($$"""
          providers.dummy.command = [ {{FleetWorkspace.DummyProvider("well-behaved", "dummy")}} ];
          resources.a = { type = "dummy.thing"; inputs = { name = "a"; value = "1"; }; };
          {{extra}}
        """);

    private Task<ProcessResult> RunWithStateAsync(string statePath, params string[] args) =>
        new ProcessRunner().RunAsync(_ws.Command(args).WithEnvironment("FLEET_STATE", statePath), CancellationToken.None);

    private async Task<int> RunCountAsync()
    {
        var runs = await _ws.RunAsync("state", "runs", "--json");
        Assert.Equal(0, runs.ExitCode);
        return JsonDocument.Parse(runs.StandardOutput).RootElement.GetArrayLength();
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Apply_on_a_selector_that_matches_nothing_stops_with_exit_2_and_records_no_run()
    {
        WriteThings();
        Assert.Equal(0, (await _ws.RunAsync("apply", "--plain")).ExitCode);
        var before = await RunCountAsync();

        var apply = await _ws.RunAsync("apply", "--plain", "--on", "zzz*");

        Assert.Equal(2, apply.ExitCode);
        Assert.Contains("--on zzz*: 'zzz*' matches no node", apply.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("No changes", apply.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(before, await RunCountAsync());
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Plan_with_a_state_in_a_missing_directory_stops_and_creates_nothing()
    {
        WriteThings();
        var missing = _ws.File("typo");

        var plan = await RunWithStateAsync(Path.Combine(missing, "state.db"), "plan");

        Assert.Equal(2, plan.ExitCode);
        Assert.Contains($"its directory {missing} does not exist", plan.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Apply_with_a_state_in_a_missing_directory_stops_and_creates_nothing()
    {
        WriteThings();
        var missing = _ws.File("typo");

        var apply = await RunWithStateAsync(Path.Combine(missing, "state.db"), "apply", "--plain");

        Assert.Equal(2, apply.ExitCode);
        Assert.False(Directory.Exists(missing));
        Assert.False(File.Exists(Path.Combine(_ws.Dir, "dummy-things", "a.json")));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Plan_without_a_state_plans_everything_as_new_and_creates_no_state()
    {
        WriteThings();

        var plan = await _ws.RunAsync("plan");

        Assert.Equal(0, plan.ExitCode);
        Assert.Contains("+ a (dummy.thing)", plan.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("planning as if nothing was deployed", plan.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.GetDirectoryName(_ws.StatePath)));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Apply_in_an_existing_empty_directory_creates_the_state_and_says_so()
    {
        WriteThings();
        var directory = Directory.CreateDirectory(_ws.File("state-here")).FullName;
        var path = Path.Combine(directory, "state.db");

        var apply = await RunWithStateAsync(path, "apply", "--plain");

        Assert.Equal(0, apply.ExitCode);
        Assert.Contains($"creating a new state at {path}", apply.StandardError, StringComparison.Ordinal);
        Assert.True(File.Exists(path));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task An_unknown_resource_type_stops_with_exit_2_naming_the_resource_and_type()
    {
        WriteThings("""
              resources.typo = { type = "dummy.thingy"; inputs = { }; };
              resources.nowhere = { type = "bogus.thing"; inputs = { }; };
            """);

        var apply = await _ws.RunAsync("apply", "--plain");

        Assert.Equal(2, apply.ExitCode);
        Assert.Contains("resource `typo` has type `dummy.thingy`, which no provider serves", apply.StandardError, StringComparison.Ordinal);
        Assert.Contains("resource `nowhere` has type `bogus.thing`", apply.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("No changes", apply.StandardOutput, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_ws.Dir, "dummy-things", "a.json")));
        Assert.False(File.Exists(_ws.StatePath));
    }

    [Theory(Timeout = TestTimeouts.Local)]
    [InlineData(Damage.Truncated, "state", "list")]
    [InlineData(Damage.TruncatedWithoutTrustedSize, "state", "list")]
    [InlineData(Damage.TruncatedWithoutTrustedSize, "plan")]
    [InlineData(Damage.TruncatedWithoutTrustedSize, "apply", "--plain")]
    [InlineData(Damage.Overwritten, "state", "list")]
    [InlineData(Damage.Overwritten, "plan")]
    [InlineData(Damage.Overwritten, "apply", "--plain")]
    public async Task A_damaged_state_database_stops_every_verb_that_reads_it(Damage damage, params string[] verb)
    {
        WriteThings();
        await DamagedStateAsync(damage);

        var result = await _ws.RunAsync(verb);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"the fleet state {_ws.StatePath} is damaged", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("r0001", result.StandardOutput, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_ws.Dir, "dummy-things", "a.json")));
    }

    public enum Damage
    {
        /// <summary>Cut to half its length.</summary>
        Truncated,

        /// <summary>Cut to half, with the header's page count not vouched for (its version-valid-for number differs from the change counter, as after a writer that does not keep it): SQLite then takes the file's length as the size.</summary>
        TruncatedWithoutTrustedSize,

        /// <summary>Two pages in the middle overwritten with zeros.</summary>
        Overwritten,
    }

    /// <summary>
    /// A state whose first pages hold 20 resources and whose later pages hold a run's 3000
    /// events, then damaged there: the resources are still readable, the database is not whole.
    /// </summary>
    private async Task DamagedStateAsync(Damage damage)
    {
        await FilledStateDatabase.CreateAsync(_ws.StatePath);
        await using (var file = new FileStream(_ws.StatePath, FileMode.Open, FileAccess.ReadWrite))
        {
            if (damage == Damage.Overwritten)
            {
                file.Position = file.Length / 2 / 4096 * 4096;
                await file.WriteAsync(new byte[8192]);
                return;
            }

            file.SetLength(file.Length / 2);
            if (damage == Damage.TruncatedWithoutTrustedSize)
            {
                file.Position = 92;
                await file.WriteAsync(new byte[] { 0, 0, 0x30, 0x39 });
            }
        }
    }
}
