using Fleet.Engine.Apply;

namespace Fleet.Cli.Progress;

/// <summary>Where a run's events go: the live view, plain lines, or JSON lines.</summary>
public interface IRunObserver : IAsyncDisposable
{
    void OnEvent(FleetEvent e);
}
