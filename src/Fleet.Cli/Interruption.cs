using System.Runtime.InteropServices;
using Fleet.Processes;

namespace Fleet.Cli;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM, for the whole fleet process. Providers and nix run in sessions of
/// their own (<see cref="ProcessRunner"/>), so a terminal's Ctrl-C reaches fleet alone and this
/// decides what happens. While an apply makes changes (<see cref="WhileApplying"/>): the first
/// stops starting new work and lets running steps end (activations confirm or roll back, state
/// is written); the second cancels running calls (`$/cancel`; the nixos provider tells an
/// activating node to roll back now); the third exits at once. Anywhere else (evaluation,
/// planning, the other verbs) the first cancels the work and the second exits at once. Each is
/// said once on stderr (through the progress display while it runs); the exit code is 130.
/// Exiting at once first kills every child's group (SIGKILL), so nothing is left running.
/// SIGHUP (the terminal went away) kills the children's groups too, then ends fleet as before.
/// </summary>
internal sealed class Interruption : IDisposable
{
    private static readonly Lazy<Interruption> s_current = new(() => new Interruption());
    private readonly CancellationTokenSource _stopStarting = new();
    private readonly CancellationTokenSource _cancel = new();
    private readonly PosixSignalRegistration _sigint;
    private readonly PosixSignalRegistration _sigterm;
    private readonly PosixSignalRegistration _sighup;
    private readonly Lock _gate = new();
    private Action<string> _say = line => Console.Error.WriteLine(line);
    private bool _applying;
    private int _count;

    private Interruption()
    {
        _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnInterrupt);
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnInterrupt);
        _sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, _ => ProcessRunner.KillAllSessions());
        // Whatever way fleet ends, the children's sessions end with it.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => ProcessRunner.KillAllSessions();
    }

    /// <summary>The one instance, listening from the first use on (FleetCli installs it before any verb runs).</summary>
    public static Interruption Current => s_current.Value;

    /// <summary>Cancelled by the first interrupt: start nothing new.</summary>
    public CancellationToken StopStarting => _stopStarting.Token;

    /// <summary>Cancelled when running work must stop: the first interrupt, or the second while applying.</summary>
    public CancellationToken Cancelled => _cancel.Token;

    public bool Interrupted => Volatile.Read(ref _count) > 0;

    /// <summary>
    /// While the returned scope is open, the first interrupt only stops starting new work, and
    /// what is said goes through <paramref name="say"/> (the progress display's own lines).
    /// </summary>
    public IDisposable WhileApplying(Action<string> say)
    {
        lock (_gate)
        {
            _applying = true;
            _say = say;
        }

        return new Scope(this);
    }

    public void Dispose()
    {
        _sigint.Dispose();
        _sigterm.Dispose();
        _sighup.Dispose();
        _stopStarting.Dispose();
        _cancel.Dispose();
    }

    private void OnInterrupt(PosixSignalContext context)
    {
        context.Cancel = true;
        Action<string> say;
        bool applying;
        int count;
        lock (_gate)
        {
            count = ++_count;
            say = _say;
            applying = _applying;
        }

        switch (count, applying)
        {
            case (1, true):
                Say(say, "interrupted: starting nothing new; running steps finish (activations confirm or roll back) and state is written (Ctrl-C again to cancel them)");
                _stopStarting.Cancel();
                break;
            case (1, false):
                Say(say, "interrupted: stopping (Ctrl-C again to exit at once)");
                _stopStarting.Cancel();
                _cancel.Cancel();
                break;
            case (2, true):
                Say(say, "interrupted again: cancelling running steps; nodes still activating are told to roll back now (Ctrl-C a third time to exit at once)");
                _cancel.Cancel();
                break;
            default:
                Say(say, count == 2 ? "interrupted again: exiting now" : "interrupted a third time: exiting now");
                ProcessRunner.KillAllSessions();
                Environment.Exit(FleetCli.ExitInterrupted);
                break;
        }
    }

    private static void Say(Action<string> say, string line)
    {
        try
        {
            say(line);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            Console.Error.WriteLine(line);
        }
    }

    private void EndApplying()
    {
        lock (_gate)
        {
            _applying = false;
            _say = line => Console.Error.WriteLine(line);
        }
    }

    private sealed class Scope(Interruption owner) : IDisposable
    {
        public void Dispose() => owner.EndApplying();
    }
}
