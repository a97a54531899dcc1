namespace Fleet.NixOS.Tests;

/// <summary>A failed health check is said once, in one line with its cause, and the whole run stays in the state's log.</summary>
[Trait("Category", "Integration")]
public sealed class FailureOutputTests
{
    private const string Cause = "health check tcp 127.0.0.1:9999 failed: Connection refused; rolled back to ";

    private static readonly FleetFile s_fleet = FleetFile.For("a");

    private static readonly string s_failingCheck = """
        test.version = "v2";
        deployment.healthChecks = lib.mkForce [ { type = "tcp"; host = "127.0.0.1"; port = 9999; retries = 1; interval = 0.2; } ];
        """;

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task A_failing_health_check_is_one_cause_line_said_once_with_a_short_failure_section_and_the_full_log_in_the_state()
    {
        await using var fleet = await TestbedFleet.DeployedAsync(s_fleet);
        var previous = await fleet.CurrentSystemAsync("a");

        var apply = await fleet.ApplyAsync(s_fleet.With("a", s_failingCheck));

        var output = apply.StandardOutput + apply.StandardError;
        Assert.NotEqual(0, apply.ExitCode);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var cause = Assert.Single(lines, l => l.Contains("127.0.0.1:9999", StringComparison.Ordinal) && l.Contains("Connection refused", StringComparison.Ordinal));
        Assert.EndsWith(Cause + ShortHash(previous), cause, StringComparison.Ordinal);
        Assert.Empty(lines.GroupBy(l => l, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key));
        var stdout = apply.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var section = stdout.SkipWhile(l => !l.StartsWith("  failed node.a:", StringComparison.Ordinal)).TakeWhile(l => !l.StartsWith("full log:", StringComparison.Ordinal)).ToList();
        Assert.InRange(section.Count, 1, 8);
        Assert.Equal(section.Count, section.Distinct(StringComparer.Ordinal).Count());
        var hint = Assert.Single(stdout, l => l.StartsWith("full log: fleet state log ", StringComparison.Ordinal));

        var log = await fleet.FleetAsync("state", "log", hint["full log: fleet state log ".Length..].Trim());

        Assert.True(log.ExitCode == 0, log.StandardError);
        Assert.Contains("[node.a] health: tcp 127.0.0.1:9999 failed: Connection refused", log.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("[node.a] stage: health-checks", log.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("[node.a] failed: ", log.StandardOutput, StringComparison.Ordinal);
    }

    private static string ShortHash(string system) => system["/nix/store/".Length..][..8];
}
