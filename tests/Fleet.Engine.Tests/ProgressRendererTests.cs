using Fleet.Cli.Progress;
using Fleet.Engine.Apply;

namespace Fleet.Engine.Tests;

/// <summary>The live view's renderer: a pure function from progress state to lines that fit the terminal.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ProgressRendererTests
{
    private static readonly DateTimeOffset s_start = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    private static RunProgress Running(params FleetEvent[] events)
    {
        var progress = RunProgress.Start([
            new ResourceRow("node.a-node-with-a-rather-long-name-indeed", "a", "update"),
            new ResourceRow("node.b", "b", "create"),
        ]) with { StartedAt = s_start };
        foreach (var e in events)
        {
            progress = progress.Apply(e);
        }

        return progress;
    }

    private static FleetEvent At(FleetEventKind kind, string resource) => new FleetEvent(kind, s_start) with { Resource = resource };

    [Fact]
    public void No_line_is_longer_than_the_width_however_long_the_ids_stages_and_log_lines()
    {
        var progress = Running(
            At(FleetEventKind.ResourceStarted, "node.a-node-with-a-rather-long-name-indeed"),
            At(FleetEventKind.Progress, "node.a-node-with-a-rather-long-name-indeed") with
            {
                Stage = "building", Activity = "nixos-system-a-25.05, etc-index.html, python3-3.12.4-with-packages", Done = 3, Expected = 140, Unit = "derivations",
            },
            At(FleetEventKind.ResourceStarted, "node.b"),
            At(FleetEventKind.Log, "node.b") with { Text = new string('x', 300) + "\ttab\nnewline" });

        var lines = ProgressRenderer.Lines(progress, s_start.AddMinutes(2), 60);

        Assert.All(lines, l => Assert.True(l.Length <= 60, $"{l.Length} columns: {l}"));
        Assert.DoesNotContain(lines, l => l.Contains('\n', StringComparison.Ordinal));
        Assert.Equal(4, lines.Count);
    }

    [Fact]
    public void A_copy_shows_the_bytes_copied_of_how_many()
    {
        var progress = Running(
            At(FleetEventKind.ResourceStarted, "node.b"),
            At(FleetEventKind.Progress, "node.b") with { Stage = "copying", Done = 12 * 1024 * 1024, Expected = 40 * 1024 * 1024, Unit = "bytes" });

        var lines = ProgressRenderer.Lines(progress, s_start.AddSeconds(5), 100);

        Assert.Contains(lines, l => l.StartsWith("node.b", StringComparison.Ordinal) && l.Contains("copying 12.0 MiB/40.0 MiB", StringComparison.Ordinal));
    }

    [Fact]
    public void A_build_shows_how_many_derivations_are_built_and_which_are_building()
    {
        var progress = Running(
            At(FleetEventKind.ResourceStarted, "node.b"),
            At(FleetEventKind.Progress, "node.b") with { Stage = "building", Activity = "hello-2.12", Done = 1, Expected = 3, Unit = "derivations" });

        var lines = ProgressRenderer.Lines(progress, s_start.AddSeconds(5), 100);

        Assert.Contains(lines, l => l.StartsWith("node.b", StringComparison.Ordinal) && l.Contains("building 1/3 derivations hello-2.12", StringComparison.Ordinal));
    }

    [Fact]
    public void A_progress_without_detail_keeps_the_stage_s_last_detail_and_a_new_stage_drops_it()
    {
        var progress = Running(
            At(FleetEventKind.ResourceStarted, "node.b"),
            At(FleetEventKind.Progress, "node.b") with { Stage = "copying", Done = 1024, Expected = 2048, Unit = "bytes" },
            At(FleetEventKind.Progress, "node.b") with { Stage = "copying" });
        var activating = progress.Apply(At(FleetEventKind.Progress, "node.b") with { Stage = "activating" });

        Assert.Equal("copying 1.0 KiB/2.0 KiB", ProgressRenderer.Stage(progress.Rows["node.b"]));
        Assert.Equal("activating", ProgressRenderer.Stage(activating.Rows["node.b"]));
    }

    [Fact]
    public void A_failed_resource_s_row_keeps_its_last_log_line_not_the_failure_message()
    {
        var progress = Running(
            At(FleetEventKind.ResourceStarted, "node.b"),
            At(FleetEventKind.Log, "node.b") with { Text = "health: tcp 127.0.0.1:9999 failed: Connection refused" },
            At(FleetEventKind.ResourceFinished, "node.b") with { Outcome = "failed", Text = "provider `nixos` failed creating `node.b`: health check tcp 127.0.0.1:9999 failed: Connection refused" });

        var row = Assert.Single(ProgressRenderer.Lines(progress, s_start.AddSeconds(5), 120), l => l.StartsWith("node.b", StringComparison.Ordinal));

        Assert.Contains("failed", row, StringComparison.Ordinal);
        Assert.EndsWith("health: tcp 127.0.0.1:9999 failed: Connection refused", row, StringComparison.Ordinal);
    }
}
