using System.Runtime.InteropServices;

namespace Fleet.Cli;

/// <summary>
/// Ctrl-C and SIGTERM during a run: the first stops starting new work (running steps end and
/// state is written), the second cancels running steps too.
/// </summary>
internal sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource _stopStarting = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly PosixSignalRegistration _sigint;
    private readonly PosixSignalRegistration _sigterm;
    private int _count;

    public Interruption()
    {
        _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    public CancellationToken StopStarting => _stopStarting.Token;

    public CancellationToken Abort => _abort.Token;

    public bool Interrupted => Volatile.Read(ref _count) > 0;

    public void Dispose()
    {
        _sigint.Dispose();
        _sigterm.Dispose();
        _stopStarting.Dispose();
        _abort.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        if (Interlocked.Increment(ref _count) == 1)
        {
            Console.Error.WriteLine("interrupted: starting nothing new, waiting for running steps (again to cancel them)");
            _stopStarting.Cancel();
        }
        else
        {
            Console.Error.WriteLine("interrupted again: cancelling running steps");
            _stopStarting.Cancel();
            _abort.Cancel();
        }
    }
}
