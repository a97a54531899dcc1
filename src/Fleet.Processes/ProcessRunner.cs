using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;

namespace Fleet.Processes;

/// <summary>
/// The one door through which fleet starts nix, ssh and providers. Output is read as streams,
/// every command is logged (secrets masked) before it runs, and cancellation stops the child
/// gracefully (SIGINT, then SIGTERM, then SIGKILL).
/// <para>
/// Containment. A child whose spec asks for <see cref="ProcessSpec.OwnSession"/> starts as the
/// leader of a new session and process group (exec'd through util-linux `setsid`, which calls
/// setsid() and execs the program in the same process: its pid is the group's id) with no
/// controlling terminal. The rule for who gets one: fleet's own long-running children (providers,
/// nix evaluation) do, so the SIGINT a terminal sends to its foreground group on Ctrl-C reaches
/// fleet alone, and fleet decides what happens to them. What those children start (a provider's
/// ssh, nix-copy-closure, nix-build) does NOT: it stays in its parent's group, so the group is
/// everything that parent started, and stopping the group stops all of it. Interactive children
/// (`fleet ssh`) never do: they belong to the terminal. A session ends with its leader: when the
/// leader exits, however it ends, whatever is left in its group is killed (SIGKILL), so a crashed
/// provider leaves no ssh or nix process behind under PID 1; a stop signals the whole group, and
/// <see cref="KillAllSessions"/> kills every group still alive (fleet's last resort on exit).
/// Only a descendant that leaves the group itself (a daemon calling setsid, like ssh's
/// ControlPersist master) escapes. Why setsid(1) and not .NET: Process has no setpgid/setsid
/// option, and posix_spawn's POSIX_SPAWN_SETSID would mean giving up Process (pipes, exit
/// tracking); setsid forks only when its caller already leads a group, which a freshly forked
/// child never does, so the pid .NET tracks is the leader's. The one gap: a signal in the instant
/// between the fork and setsid() still reaches the child through fleet's group. Without a setsid
/// on PATH (or in /run/current-system/sw/bin, /usr/bin, /bin) the child starts as before, in
/// fleet's group, and the log says so.
/// </para>
/// </summary>
public sealed class ProcessRunner
{
    private static readonly ConcurrentDictionary<int, Process> s_sessions = new();
    private static readonly ConditionalWeakTable<Process, object> s_leaders = [];
    private static readonly Lazy<string?> s_setsid = new(FindSetsid);
    private readonly Action<string>? _log;

    public ProcessRunner(Action<string>? log = null)
    {
        _log = log;
    }

    /// <summary>Runs to completion, collecting output; each line is also handed to the callbacks.</summary>
    public async Task<ProcessResult> RunAsync(
        ProcessSpec spec,
        CancellationToken cancellationToken,
        Action<string>? onStandardOutputLine = null,
        Action<string>? onStandardErrorLine = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        using var process = Start(spec);
        var stopwatch = Stopwatch.StartNew();
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();

        var readOut = PumpAsync(process.StandardOutput, stdout, onStandardOutputLine);
        var readErr = PumpAsync(process.StandardError, stderr, onStandardErrorLine);
        var writeIn = FeedAsync(process, spec, cancellationToken);

        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await StopAsync(process, spec.StopGrace).ConfigureAwait(false);
            throw;
        }

        // Anything the child left in its group would hold the pipes open, and outlive it.
        EndSession(process);
        await Task.WhenAll(readOut, readErr).ConfigureAwait(false);
        await writeIn.ConfigureAwait(false);
        return new ProcessResult(process.ExitCode, stdout.ToString(), stderr.ToString(), stopwatch.Elapsed);
    }

    /// <summary>Runs and throws <see cref="ProcessFailedException"/> on a non-zero exit.</summary>
    public async Task<ProcessResult> RunCheckedAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var result = await RunAsync(spec, cancellationToken).ConfigureAwait(false);
        return result.Succeeded
            ? result
            : throw new ProcessFailedException(spec.Display, result with { StandardError = spec.Mask(result.StandardError) });
    }

    /// <summary>Runs with the terminal inherited (stdin, stdout, stderr), for interactive commands like `fleet ssh`.</summary>
    public async Task<int> RunInteractiveAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.OwnSession)
        {
            throw new ArgumentException("an interactive child belongs to the terminal; it cannot have a session of its own", nameof(spec));
        }

        _log?.Invoke("$ " + spec.Display);
        using var process = Process.Start(StartInfo(spec, spec.FileName, spec.Arguments, redirect: false)) ?? throw new ProcessFailedException($"could not start {spec.FileName}");
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await StopAsync(process, spec.StopGrace).ConfigureAwait(false);
            throw;
        }

        return process.ExitCode;
    }

    /// <summary>Starts a long-lived child whose pipes the caller drives (providers, ssh masters).</summary>
    public Process Start(ProcessSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _log?.Invoke("$ " + spec.Display);
        var (fileName, arguments) = (spec.FileName, spec.Arguments);
        var ownSession = false;
        if (spec.OwnSession)
        {
            if (s_setsid.Value is { } setsid)
            {
                // Resolved here, so a missing program fails now as it would without setsid.
                (fileName, arguments, ownSession) = (setsid, ["--", ResolveProgram(spec), .. spec.Arguments], true);
            }
            else
            {
                _log?.Invoke($"(util-linux setsid not found: {spec.FileName} shares fleet's process group and terminal)");
            }
        }

        var process = new Process { StartInfo = StartInfo(spec, fileName, arguments, redirect: true), EnableRaisingEvents = ownSession };
        if (ownSession)
        {
            s_leaders.Add(process, spec);
            process.Exited += (_, _) => EndSession(process);
        }

        try
        {
            if (!process.Start())
            {
                throw new ProcessFailedException($"could not start {spec.FileName}");
            }
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            process.Dispose();
            throw new ProcessFailedException($"could not start `{spec.FileName}`: {e.Message}", e);
        }

        if (ownSession)
        {
            s_sessions[process.Id] = process;
            if (process.HasExited)
            {
                EndSession(process);
            }
        }

        return process;
    }

    /// <summary>
    /// Kills (SIGKILL) every process group of a child started in its own session that is still
    /// alive, at once and without waiting: for an exit that cannot wait for graceful stops, so
    /// that nothing fleet started outlives it.
    /// </summary>
    public static void KillAllSessions()
    {
        foreach (var leader in s_sessions.Keys)
        {
            Signals.SendToGroup(leader, Signals.Kill);
            Signals.Send(leader, Signals.Kill);
        }
    }

    private static ProcessStartInfo StartInfo(ProcessSpec spec, string fileName, IEnumerable<string> arguments, bool redirect)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = redirect,
            RedirectStandardOutput = redirect,
            RedirectStandardError = redirect,
            UseShellExecute = false,
        };
        if (redirect)
        {
            info.StandardOutputEncoding = Encoding.UTF8;
            info.StandardErrorEncoding = Encoding.UTF8;
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        if (spec.WorkingDirectory is not null)
        {
            info.WorkingDirectory = spec.WorkingDirectory;
        }

        foreach (var (name, value) in spec.Environment)
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }

        return info;
    }

    /// <summary>
    /// SIGINT, wait, SIGTERM, wait, then kill the whole tree. A child in its own session gets
    /// each signal as a group (everything it started gets it too), and when it has exited,
    /// whatever is left in its group is killed.
    /// </summary>
    public static async Task StopAsync(Process process, TimeSpan grace)
    {
        ArgumentNullException.ThrowIfNull(process);
        var group = s_leaders.TryGetValue(process, out _);
        foreach (var signal in new[] { Signals.Interrupt, Signals.Terminate })
        {
            if (process.HasExited)
            {
                break;
            }

            if (!group || !Signals.SendToGroup(process.Id, signal))
            {
                // Not a group, or not one yet (setsid has not run): the process alone.
                Signals.Send(process.Id, signal);
            }

            using var timeout = new CancellationTokenSource(grace);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
                break;
            }
            catch (OperationCanceledException)
            {
            }
        }

        if (!process.HasExited)
        {
            if (group)
            {
                Signals.SendToGroup(process.Id, Signals.Kill);
            }

            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }

            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        if (group)
        {
            EndSession(process);
            // The group's last members die of SIGKILL at once; wait (briefly) until they are gone.
            for (var i = 0; i < 100 && Signals.SendToGroup(process.Id, Signals.Probe); i++)
            {
                await Task.Delay(20, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The leader has exited: the session ends with it, and nothing of its group stays.</summary>
    private static void EndSession(Process process)
    {
        if (!s_leaders.TryGetValue(process, out _))
        {
            return;
        }

        int pid;
        try
        {
            pid = process.Id;
        }
        catch (InvalidOperationException)
        {
            return;
        }

        // The group's id cannot be taken by a new group while any of its members lives, so this
        // reaches only what the leader left (or nothing).
        Signals.SendToGroup(pid, Signals.Kill);
        s_sessions.TryRemove(pid, out _);
    }

    /// <summary>The program's path as Process.Start would find it (absolute, relative to the working directory, or on PATH).</summary>
    private static string ResolveProgram(ProcessSpec spec)
    {
        var name = spec.FileName;
        if (name.Contains('/', StringComparison.Ordinal))
        {
            var path = Path.GetFullPath(name, spec.WorkingDirectory ?? Directory.GetCurrentDirectory());
            return IsExecutable(path) ? path : throw new ProcessFailedException($"could not start `{name}`: {path} is missing or not executable");
        }

        foreach (var directory in (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var path = Path.Combine(directory, name);
            if (IsExecutable(path))
            {
                return path;
            }
        }

        throw new ProcessFailedException($"could not start `{name}`: no such program on PATH");
    }

    private static bool IsExecutable(string path) =>
        File.Exists(path) && !OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;

    /// <summary>util-linux setsid: on PATH, else where NixOS and Debian keep it.</summary>
    private static string? FindSetsid() =>
        (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/run/current-system/sw/bin", "/usr/bin", "/bin"])
            .Select(directory => Path.Combine(directory, "setsid"))
            .FirstOrDefault(IsExecutable);

    private static async Task PumpAsync(StreamReader reader, StringBuilder sink, Action<string>? onLine)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            sink.Append(line).Append('\n');
            onLine?.Invoke(line);
        }
    }

    private static async Task FeedAsync(Process process, ProcessSpec spec, CancellationToken cancellationToken)
    {
        try
        {
            if (spec.StandardInput is { } input)
            {
                await process.StandardInput.BaseStream.WriteAsync(input, cancellationToken).ConfigureAwait(false);
                await process.StandardInput.BaseStream.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The child closed its stdin early; its exit code tells the story.
        }
        catch (OperationCanceledException)
        {
        }
    }
}
