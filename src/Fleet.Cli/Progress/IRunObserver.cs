using Fleet.Engine.Apply;

namespace Fleet.Cli.Progress;

/// <summary>Where a run's events go: the live view, plain lines, or JSON lines.</summary>
public interface IRunObserver : IAsyncDisposable
{
    void OnEvent(FleetEvent e);

    /// <summary>A line for the person running fleet (an interruption), shown outside the live table, on stderr.</summary>
    void Say(string line);
}
