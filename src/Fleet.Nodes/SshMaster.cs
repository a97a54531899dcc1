using System.Diagnostics;
using Fleet.Processes;

namespace Fleet.Nodes;

/// <summary>
/// One node's shared SSH connection, held in the foreground by the process that uses it: ssh
/// with ControlMaster=yes and ControlPersist=no, a child of its owner (in the owner's process
/// group, never daemonized), whose remote command reads its stdin. It ends when the owner closes
/// it; when the owner dies, however it dies, its stdin ends, the remote `read` returns and the
/// master ends with it (and a killed owner's group is killed with it anyway).
/// </summary>
internal sealed class SshMaster
{
    private readonly Process _process;
    private readonly Task _drain;

    private SshMaster(Process process, string socket)
    {
        _process = process;
        Socket = socket;
        // Nothing it says matters (the commands that use it print their own errors), but its pipes must not fill.
        _drain = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
    }

    /// <summary>The control socket commands connect through (ControlPath); ssh creates it once the master is connected.</summary>
    public string Socket { get; }

    /// <summary>False once the master has ended (the connection dropped, the node rebooted, it could not connect).</summary>
    public bool IsAlive => !_process.HasExited;

    public static SshMaster Start(ProcessRunner runner, IEnumerable<string> options, string destination, string socket)
    {
        // The remote command is a shell builtin: `read` waits for a line or the end of input, and
        // this stdin is never written, only closed (by DisposeAsync, or by the owner's death).
        var spec = ProcessSpec.Create("ssh", [
            "-o", "ControlMaster=yes", "-o", "ControlPersist=no", "-o", $"ControlPath={socket}", .. options, "-T", destination, "--", "read _"]);
        return new SshMaster(runner.Start(spec), socket);
    }

    /// <summary>Asks the master to end (`-O exit`), ends its input, and stops it if it is still there.</summary>
    public async Task CloseAsync(ProcessRunner runner, IEnumerable<string> options, string destination)
    {
        if (IsAlive && File.Exists(Socket))
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await runner.RunAsync(ProcessSpec.Create("ssh", ["-o", $"ControlPath={Socket}", .. options, "-O", "exit", destination]), timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
        }

        using (var exit = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _process.WaitForExitAsync(exit.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await ProcessRunner.StopAsync(_process, TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        await _drain.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _process.Dispose();
    }
}
