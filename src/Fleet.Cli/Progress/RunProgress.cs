using System.Collections.Immutable;
using Fleet.Engine.Apply;

namespace Fleet.Cli.Progress;

/// <summary>
/// The state behind the progress display: every event folds into a new value. Renderers read it;
/// nothing else changes it.
/// </summary>
public sealed record RunProgress(ImmutableSortedDictionary<string, ResourceRow> Rows, DateTimeOffset StartedAt)
{
    private const int TailLength = 10;

    public static RunProgress Start(IEnumerable<ResourceRow> rows) =>
        new(rows.ToImmutableSortedDictionary(r => r.Id, r => r, StringComparer.Ordinal), DateTimeOffset.UtcNow);

    public RunProgress Apply(FleetEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Resource is null)
        {
            return this;
        }

        var row = Rows.GetValueOrDefault(e.Resource) ?? new ResourceRow(e.Resource, e.Node, e.Action ?? "");
        row = e.Kind switch
        {
            FleetEventKind.ResourceStarted => row with { Status = "running", StartedAt = e.At, Stage = "starting" },
            FleetEventKind.Progress => row with
            {
                Stage = e.Stage ?? row.Stage,
                Fraction = e.Fraction,
                // A stage's detail holds until the stage changes or says another.
                Activity = e.Activity ?? (e.Stage == row.Stage ? row.Activity : null),
                Done = e.Done ?? (e.Stage == row.Stage ? row.Done : null),
                Expected = e.Expected ?? (e.Stage == row.Stage ? row.Expected : null),
                Unit = e.Unit ?? (e.Stage == row.Stage ? row.Unit : null),
            },
            FleetEventKind.Log => AddLine(row, e.Text ?? "", e.Level is "warn" or "warning" or "error"),
            // A failure's message is the summary's to say; the row keeps the resource's own last line.
            FleetEventKind.ResourceFinished => (e.Text is { } text && e.Outcome != "failed" ? AddLine(row, text, kept: false) : row) with
            {
                Status = e.Outcome ?? "done",
                FinishedAt = e.At,
                Stage = null,
                Fraction = null,
                Activity = null,
                Done = null,
                Expected = null,
                Unit = null,
            },
            _ => row,
        };
        return this with { Rows = Rows.SetItem(e.Resource, row) };
    }

    public int Count(string status) => Rows.Values.Count(r => r.Status == status);

    /// <param name="kept">Whether the line goes to the tail too: the warnings and errors the summary may add to a failure's message.</param>
    private static ResourceRow AddLine(ResourceRow row, string line, bool kept)
    {
        if (!kept)
        {
            return row with { LastLine = line };
        }

        var tail = row.Tail.Enqueue(line);
        while (tail.Count() > TailLength)
        {
            tail = tail.Dequeue();
        }

        return row with { LastLine = line, Tail = tail };
    }
}
