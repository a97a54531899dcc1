using Fleet.Engine.Apply;

namespace Fleet.Cli.Progress;

/// <summary>
/// Milestone lines prefixed with the resource, for logs and pipes. A progress that repeats the
/// resource's last line (a provider's heartbeat) is not a milestone and prints nothing.
/// </summary>
public sealed class PlainProgressWriter : IRunObserver
{
    private readonly TextWriter _out;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _last = new(StringComparer.Ordinal);

    public PlainProgressWriter(TextWriter output)
    {
        _out = output;
    }

    public void OnEvent(FleetEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var line = e.Kind switch
        {
            FleetEventKind.ResourceStarted => $"[{e.Resource}] {e.Action}: started",
            FleetEventKind.Progress => $"[{e.Resource}] {e.Stage}{(e.Fraction is { } f ? $" {f:P0}" : "")}",
            FleetEventKind.Log => $"[{e.Resource ?? "fleet"}] {e.Text}",
            FleetEventKind.ResourceFinished => $"[{e.Resource}] {e.Outcome}{(e.Text is { } t ? ": " + t : "")}",
            _ => null,
        };
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            if (e.Resource is { } resource)
            {
                if (e.Kind == FleetEventKind.Progress && _last.TryGetValue(resource, out var last) && last == line)
                {
                    return;
                }

                _last[resource] = line;
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
}
