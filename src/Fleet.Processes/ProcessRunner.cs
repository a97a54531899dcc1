using System.Diagnostics;
using System.Text;

namespace Fleet.Processes;

/// <summary>
/// The one door through which fleet starts nix, ssh and providers. Output is read as streams,
/// every command is logged (secrets masked) before it runs, and cancellation stops the child
/// gracefully (SIGINT, then SIGTERM, then the whole tree is killed).
/// </summary>
public sealed class ProcessRunner
{
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
        _log?.Invoke("$ " + spec.Display);
        using var process = Process.Start(StartInfo(spec, redirect: false)) ?? throw new ProcessFailedException($"could not start {spec.FileName}");
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
        try
        {
            return Process.Start(StartInfo(spec, redirect: true)) ?? throw new ProcessFailedException($"could not start {spec.FileName}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new ProcessFailedException($"could not start `{spec.FileName}`: {e.Message}", e);
        }
    }

    private static ProcessStartInfo StartInfo(ProcessSpec spec, bool redirect)
    {
        var info = new ProcessStartInfo(spec.FileName)
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

        foreach (var argument in spec.Arguments)
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

    /// <summary>SIGINT, wait, SIGTERM, wait, then kill the whole tree.</summary>
    public static async Task StopAsync(Process process, TimeSpan grace)
    {
        ArgumentNullException.ThrowIfNull(process);
        foreach (var signal in new[] { Signals.Interrupt, Signals.Terminate })
        {
            if (process.HasExited)
            {
                return;
            }

            Signals.Send(process.Id, signal);
            using var timeout = new CancellationTokenSource(grace);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException)
            {
            }
        }

        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
    }

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
