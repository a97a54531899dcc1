using Fleet.Cli.Progress;

namespace Fleet.Engine.Tests;

/// <summary>Each failed resource in the apply's summary: its cause on one line, a few lines of context, each said once.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class FailureSummaryTests
{
    [Fact]
    public void The_cause_is_the_first_line_and_a_log_line_saying_it_again_is_left_out()
    {
        var lines = FailureSummary.Lines(
            "node.a",
            "provider `nixos` failed updating `node.a`: health check tcp 127.0.0.1:9999 failed: Connection refused; rolled back to 1a2b3c4d",
            ["health: tcp 127.0.0.1:9999 failed: Connection refused"]);

        Assert.Equal(["  failed node.a: provider `nixos` failed updating `node.a`: health check tcp 127.0.0.1:9999 failed: Connection refused; rolled back to 1a2b3c4d"], lines);
    }

    [Fact]
    public void Context_is_at_most_five_lines_and_none_twice()
    {
        var lines = FailureSummary.Lines(
            "hook.post",
            "post failed with exit code 3; its last lines:\n  one\n  two\n  two\n  three",
            ["warning: three", "two", "four", "five", "six", "seven"]);

        Assert.Equal(1 + FailureSummary.ContextLines, lines.Count);
        Assert.Equal(lines.Count, lines.Select(l => l.Replace("      | ", "", StringComparison.Ordinal).Trim()).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(["  one", "  two", "  three"], lines.Skip(1).Take(3));
    }
}
