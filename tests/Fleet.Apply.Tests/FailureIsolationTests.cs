namespace Fleet.Apply.Tests;

/// <summary>Bad providers fail only their own resources; a failure skips dependents only.</summary>
public sealed class FailureIsolationTests : IDisposable
{
    private readonly FleetWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    // Only a hang needs a short per-call timeout, to be waited out; the other faults show at once,
    // and `initialize` (the start) is bounded by minutes whatever the timeout.
    private void WriteFleetWith(string badProvider, string badCommand, string extra = "", int timeout = 300) => _ws.WriteFleet($$"""
          providers.local.command = [ {{FleetWorkspace.PythonProvider}} ];
          providers.{{badProvider}} = { command = [ {{badCommand}} ]; timeout = {{timeout}}; };
          resources.good = { type = "local.file"; inputs = { path = "{{_ws.File("good.txt")}}"; content = "fine"; }; };
          resources.bad = { type = "{{badProvider}}.thing"; inputs = { name = "b"; value = "v"; }; };
          resources.after-bad = {
            type = "local.file";
            inputs = { path = "{{_ws.File("after-bad.txt")}}"; content = { "$ref" = "bad"; output = "echo"; }; };
          };
          {{extra}}
        """);

    [Theory(Timeout = TestTimeouts.Local)]
    [InlineData("crash", "crashed")]
    [InlineData("hang", "said nothing about `bad` for 10s")]
    [InlineData("malformed", "malformed")]
    [InlineData("wrong-id", "id")]
    public async Task A_misbehaving_provider_fails_only_its_resources(string mode, string expected)
    {
        // The hang's 10 s also bound `validate` and `plan` before it: a started process answers them in far less.
        var name = "bad" + mode.Replace("-", "", StringComparison.Ordinal);
        WriteFleetWith(name, FleetWorkspace.DummyProvider(mode, name), timeout: mode == "hang" ? 10 : 300);

        var apply = await _ws.RunAsync("apply", "--plain");

        Assert.Equal(1, apply.ExitCode);
        Assert.Equal("fine", await File.ReadAllTextAsync(_ws.File("good.txt")));
        Assert.False(File.Exists(_ws.File("after-bad.txt")));
        Assert.Contains("failed bad:", apply.StandardOutput, StringComparison.Ordinal);
        Assert.Contains(expected, apply.StandardOutput, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("[after-bad] skipped", apply.StandardError, StringComparison.Ordinal);
        Assert.Contains("Apply: 1 succeeded, 1 failed, 1 skipped", apply.StandardOutput, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_provider_missing_from_disk_fails_its_resources_with_a_clear_message()
    {
        WriteFleetWith("gone", "\"/nonexistent/fleet-provider-gone\"");

        var apply = await _ws.RunAsync("apply", "--plain");

        Assert.Equal(1, apply.ExitCode);
        Assert.Equal("fine", await File.ReadAllTextAsync(_ws.File("good.txt")));
        Assert.Contains("failed bad:", apply.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("/nonexistent/fleet-provider-gone", apply.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("skipped after-bad", apply.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("   at Fleet.", apply.StandardOutput + apply.StandardError, StringComparison.Ordinal);
    }
}
