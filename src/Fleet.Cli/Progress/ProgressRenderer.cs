using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Fleet.Cli.Progress;

/// <summary>
/// Pure: a progress state, a clock reading and the terminal's width in, lines out. One line per
/// resource — id, status, time, then what it does now (its stage with what is being built or
/// copied and how far: `copying 12.0 MiB/40.0 MiB`) and its last log line — every line cut to
/// the width, so rows never wrap.
/// </summary>
public static class ProgressRenderer
{
    private const int StatusWidth = 11;
    private const int TimeWidth = 7;

    /// <summary>The lines as text, none longer than <paramref name="width"/> columns.</summary>
    public static IReadOnlyList<string> Lines(RunProgress progress, DateTimeOffset now, int width)
    {
        ArgumentNullException.ThrowIfNull(progress);
        width = Math.Max(width, 20);
        var longest = progress.Rows.Count == 0 ? 8 : progress.Rows.Values.Max(r => r.Id.Length);
        var idWidth = Math.Clamp(longest, 8, Math.Max(8, width / 3));
        var rest = Math.Max(0, width - idWidth - StatusWidth - TimeWidth - 3);
        var lines = new List<string> { Cut($"{Pad("RESOURCE", idWidth)} {Pad("STATUS", StatusWidth)} {Pad("TIME", TimeWidth)} NOW", width) };
        foreach (var row in progress.Rows.Values)
        {
            var doing = string.Join("  ", new[] { Stage(row), row.LastLine }.Where(s => !string.IsNullOrEmpty(s)));
            lines.Add(Cut($"{Pad(row.Id, idWidth)} {Pad(StatusText(row.Status), StatusWidth)} {Pad(Elapsed(row.Elapsed(now)), TimeWidth)} {Cut(OneLine(doing), rest)}".TrimEnd(), width));
        }

        var done = progress.Rows.Count - progress.Count("waiting") - progress.Count("running");
        lines.Add(Cut($"{done}/{progress.Rows.Count} done, {progress.Count("running")} running, {progress.Count("failed")} failed — {Elapsed(now - progress.StartedAt)}", width));
        return lines;
    }

    /// <summary>The lines for the live view, each resource's coloured by its status.</summary>
    public static IRenderable Render(RunProgress progress, DateTimeOffset now, int width)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var lines = Lines(progress, now, width);
        var styles = new List<Style> { new(decoration: Decoration.Bold) };
        styles.AddRange(progress.Rows.Values.Select(r => StatusStyle(r.Status)));
        styles.Add(Style.Plain);
        return new Rows(lines.Select((l, i) => new Text(l, styles[i])));
    }

    /// <summary>The stage and how far it got: `building 2/5 derivations hello-2.12`, `copying 12.0 MiB/40.0 MiB`.</summary>
    public static string Stage(ResourceRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (row.Stage is null)
        {
            return "";
        }

        var amount = row switch
        {
            { Done: { } d, Expected: { } x, Unit: "bytes" } => $"{Bytes(d)}/{Bytes(x)}",
            { Done: { } d, Expected: { } x } => $"{d}/{x}{(row.Unit is { } u ? " " + u : "")}",
            { Fraction: { } f } => f.ToString("P0", CultureInfo.InvariantCulture),
            _ => null,
        };
        return string.Join(' ', new[] { row.Stage, amount, row.Activity }.Where(s => !string.IsNullOrEmpty(s)));
    }

    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.0} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):0.0} GiB"),
    };

    public static string Elapsed(TimeSpan t) =>
        t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : t.ToString(@"m\:ss", CultureInfo.InvariantCulture);

    private static string StatusText(string status) => status switch
    {
        "succeeded" => "done",
        "not-started" => "not started",
        _ => status,
    };

    private static Style StatusStyle(string status) => status switch
    {
        "succeeded" => new Style(Color.Green),
        "failed" => new Style(Color.Red),
        "running" => new Style(Color.Yellow),
        "skipped" or "not-started" => new Style(Color.Grey),
        _ => Style.Plain,
    };

    private static string OneLine(string s) => s.ReplaceLineEndings(" ").Replace('\t', ' ');

    private static string Pad(string s, int width) => Cut(s, width).PadRight(width);

    private static string Cut(string s, int max) =>
        s.Length <= max ? s : max <= 0 ? "" : string.Concat(s.AsSpan(0, max - 1), "…");
}
