using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Fleet.Cli.Progress;

/// <summary>Pure: a progress state and a clock reading in, a table out.</summary>
public static class ProgressRenderer
{
    public static IRenderable Render(RunProgress progress, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var table = new Table().Border(TableBorder.Simple).AddColumns("RESOURCE", "ACTION", "STATUS", "STAGE", "TIME", "LAST LINE");
        foreach (var row in progress.Rows.Values)
        {
            table.AddRow(
                Markup.Escape(row.Id),
                Markup.Escape(row.Action),
                Status(row.Status),
                Markup.Escape(row.Stage is null ? "" : row.Fraction is { } f ? $"{row.Stage} {f:P0}" : row.Stage),
                Elapsed(row.Elapsed(now)),
                Markup.Escape(Truncate(row.LastLine ?? "", 60)));
        }

        var done = progress.Rows.Count - progress.Count("waiting") - progress.Count("running");
        table.Caption($"{done}/{progress.Rows.Count} done, {progress.Count("running")} running, {progress.Count("failed")} failed — {Elapsed(now - progress.StartedAt)}");
        return table;
    }

    public static string Elapsed(TimeSpan t) =>
        t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : t.ToString(@"m\:ss", CultureInfo.InvariantCulture);

    private static string Status(string status) => status switch
    {
        "succeeded" => "[green]done[/]",
        "failed" => "[red]failed[/]",
        "running" => "[yellow]running[/]",
        "skipped" => "[grey]skipped[/]",
        "not-started" => "[grey]not started[/]",
        _ => Markup.Escape(status),
    };

    private static string Truncate(string s, int max) => s.Length <= max ? s : string.Concat(s.AsSpan(0, max - 1), "…");
}
