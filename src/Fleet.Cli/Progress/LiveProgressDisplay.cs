using Fleet.Engine.Apply;
using Spectre.Console;

namespace Fleet.Cli.Progress;

/// <summary>The live view on a terminal, redrawn at most ten times a second, as wide as the terminal.</summary>
public sealed class LiveProgressDisplay : IRunObserver
{
    private static readonly TimeSpan s_frame = TimeSpan.FromMilliseconds(100);
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly IAnsiConsole _console;
    private RunProgress _progress;

    public LiveProgressDisplay(IAnsiConsole console, RunProgress initial)
    {
        _console = console;
        _progress = initial;
        _loop = console.Live(ProgressRenderer.Render(initial, DateTimeOffset.UtcNow, Width)).AutoClear(false).StartAsync(async context =>
        {
            while (!_stop.IsCancellationRequested)
            {
                context.UpdateTarget(ProgressRenderer.Render(Snapshot(), DateTimeOffset.UtcNow, Width));
                try
                {
                    await Task.Delay(s_frame, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }

            context.UpdateTarget(ProgressRenderer.Render(Snapshot(), DateTimeOffset.UtcNow, Width));
        });
    }

    /// <summary>The terminal's width now (it may be resized during the run); one column short of it, as a full last column makes some terminals wrap.</summary>
    private int Width => Math.Max(20, _console.Profile.Width - 1);

    public void OnEvent(FleetEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        lock (_gate)
        {
            _progress = _progress.Apply(e);
        }

        if (e is { Kind: FleetEventKind.Log, Level: "notice" })
        {
            // A result (what a dry activation would do) stays on the screen, above the view.
            Say($"[{e.Resource ?? "fleet"}] {e.Text}");
        }
    }

    /// <summary>Written through the live console, which prints it above the table and redraws the table below.</summary>
    public void Say(string line) => _console.WriteLine(line, Style.Plain);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private RunProgress Snapshot()
    {
        lock (_gate)
        {
            return _progress;
        }
    }
}
