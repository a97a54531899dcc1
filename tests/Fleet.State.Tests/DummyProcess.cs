using System.Diagnostics;
using System.Threading.Channels;

namespace Fleet.State.Tests;

/// <summary>
/// A real second process running Fleet.State.Tests.Dummy (see its Program for the verbs), with
/// its stdout lines readable as they come.
/// </summary>
public sealed class DummyProcess : IDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<string> _seen = [];

    private DummyProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _lines.Writer.TryComplete();
            }
            else
            {
                _lines.Writer.TryWrite(e.Data);
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Every line read so far.</summary>
    public IReadOnlyList<string> Seen => _seen;

    public static DummyProcess Start(params string[] args)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Fleet.State.Tests.Dummy.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return new DummyProcess(Process.Start(start)!);
    }

    /// <summary>The next stdout line, or null at end of output.</summary>
    public async Task<string?> ReadLineAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            if (await _lines.Reader.WaitToReadAsync(cancellation.Token) && _lines.Reader.TryRead(out var line))
            {
                _seen.Add(line);
                return line;
            }

            return null;
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"dummy pid {Pid} printed nothing for {timeout}; seen: {string.Join(" | ", _seen.TakeLast(5))}");
        }
    }

    /// <summary>Reads lines until one equals <paramref name="expected"/>.</summary>
    public async Task ExpectAsync(string expected)
    {
        while (await ReadLineAsync(TimeSpan.FromSeconds(30)) is { } line)
        {
            if (line == expected)
            {
                return;
            }
        }

        throw new InvalidOperationException($"dummy pid {Pid} ended without printing '{expected}'");
    }

    /// <summary>Every remaining line until the process's stdout closes.</summary>
    public async Task<List<string>> ReadToEndAsync()
    {
        var rest = new List<string>();
        while (await ReadLineAsync(TimeSpan.FromSeconds(60)) is { } line)
        {
            rest.Add(line);
        }

        return rest;
    }

    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>SIGKILL: no chance to clean up.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public Task WaitForExitAsync() => _process.WaitForExitAsync();

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
