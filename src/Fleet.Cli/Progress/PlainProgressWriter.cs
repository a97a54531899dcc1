using Fleet.Engine.Apply;

namespace Fleet.Cli.Progress;

/// <summary>
/// Milestone lines prefixed with the resource, for logs and pipes: a resource starting, each new
/// stage, results (`notice`: what a dry activation would do), warnings and errors, and how it ended. A failure's cause is left to the summary, which
/// says it once. Providers' other log lines print only when verbose (`-v`); every one of them is
/// in the run's log (`fleet state log`) either way. A progress that repeats the resource's stage
/// (a heartbeat, bytes copied) is not a milestone and prints nothing.
/// </summary>
public sealed class PlainProgressWriter : IRunObserver
{
    private readonly TextWriter _out;
    private readonly bool _verbose;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _stages = new(StringComparer.Ordinal);

    public PlainProgressWriter(TextWriter output, bool verbose = false)
    {
        _out = output;
        _verbose = verbose;
    }

    public void OnEvent(FleetEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var line = e.Kind switch
        {
            FleetEventKind.ResourceStarted => $"[{e.Resource}] {e.Action}: started",
            FleetEventKind.Progress when e.Stage is not null => $"[{e.Resource}] {e.Stage}",
            FleetEventKind.Log when _verbose || e.Level is "notice" or "warn" or "warning" or "error" => $"[{e.Resource ?? "fleet"}] {Level(e.Level)}{e.Text}",
            FleetEventKind.ResourceFinished when e.Outcome == "failed" => $"[{e.Resource}] failed",
            FleetEventKind.ResourceFinished => $"[{e.Resource}] {e.Outcome}{(e.Text is { } t ? ": " + t : "")}",
            _ => null,
        };
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            if (e.Kind == FleetEventKind.Progress && e.Resource is { } resource)
            {
                if (_stages.TryGetValue(resource, out var last) && last == e.Stage)
                {
                    return;
                }

                _stages[resource] = e.Stage!;
            }

            _out.WriteLine(line);
        }
    }

    public void Say(string line)
    {
        lock (_gate)
        {
            _out.WriteLine(line);
        }
    }

    public ValueTask DisposeAsync()
    {
        _out.Flush();
        return ValueTask.CompletedTask;
    }

    private static string Level(string? level) => level switch
    {
        "warn" or "warning" => "warning: ",
        "error" => "error: ",
        _ => "",
    };
}
