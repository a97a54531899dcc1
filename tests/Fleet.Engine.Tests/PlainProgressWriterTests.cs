using Fleet.Cli.Progress;
using Fleet.Engine.Apply;

namespace Fleet.Engine.Tests;

/// <summary>Plain progress (not a terminal, or --plain): milestones, and every log line only with -v.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PlainProgressWriterTests
{
    private static readonly FleetEvent[] s_run =
    [
        Event(FleetEventKind.ResourceStarted) with { Action = "update" },
        Event(FleetEventKind.Progress) with { Stage = "copying" },
        Event(FleetEventKind.Log) with { Level = "info", Text = "copying path '/nix/store/x-etc' to 'ssh://root@a'..." },
        Event(FleetEventKind.Progress) with { Stage = "copying", Done = 10, Expected = 20, Unit = "bytes" },
        Event(FleetEventKind.Progress) with { Stage = "health-checks" },
        Event(FleetEventKind.Log) with { Level = "notice", Text = "would restart the following units: web.service" },
        Event(FleetEventKind.Log) with { Level = "warning", Text = "not rebooting: goal test" },
        Event(FleetEventKind.ResourceFinished) with { Outcome = "failed", Text = "health check tcp 127.0.0.1:9999 failed: Connection refused; rolled back to 1a2b3c4d" },
    ];

    private static FleetEvent Event(FleetEventKind kind) => FleetEvent.Now(kind) with { Resource = "node.a" };

    private static string[] Written(bool verbose)
    {
        using var output = new StringWriter();
        var writer = new PlainProgressWriter(output, verbose);
        foreach (var e in s_run)
        {
            writer.OnEvent(e);
        }

        return output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    [Fact]
    public void Without_verbose_it_prints_starts_stage_changes_results_warnings_and_outcomes_only()
    {
        Assert.Equal(
            [
                "[node.a] update: started", "[node.a] copying", "[node.a] health-checks", "[node.a] would restart the following units: web.service",
                "[node.a] warning: not rebooting: goal test", "[node.a] failed",
            ],
            Written(verbose: false));
    }

    [Fact]
    public void With_verbose_it_prints_every_provider_log_line_too()
    {
        Assert.Contains("[node.a] copying path '/nix/store/x-etc' to 'ssh://root@a'...", Written(verbose: true));
    }

    [Fact]
    public void A_failure_s_cause_is_left_to_the_summary()
    {
        Assert.DoesNotContain(Written(verbose: true), l => l.Contains("Connection refused", StringComparison.Ordinal));
    }
}
