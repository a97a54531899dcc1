using Fleet.Engine.Apply;

namespace Fleet.Cli.Progress;

/// <summary>Milestone lines prefixed with the resource, for logs and pipes.</summary>
public sealed class PlainProgressWriter : IRunObserver
{
    private readonly TextWriter _out;
    private readonly Lock _gate = new();

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
        if (line is not null)
        {
            lock (_gate)
            {
                _out.WriteLine(line);
            }
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
