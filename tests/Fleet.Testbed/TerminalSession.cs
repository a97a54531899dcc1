using System.Diagnostics;
using Fleet.Processes;

namespace Fleet.Testbed;

/// <summary>
/// A command run as the foreground job of its own pseudo-terminal (tests/testbed/in-terminal),
/// so that <see cref="InterruptAsync"/> is a real Ctrl-C: the terminal's interrupt character,
/// which makes the line discipline send SIGINT to the whole foreground process group, the way a
/// person at a terminal stops a command. <see cref="TypeLineAsync"/> types a line at it, as a
/// person answering a question. What the command writes to the terminal (stdout and stderr
/// together) is kept as lines, and the line it is still writing (a question) as <see cref="Output"/>'s last.
/// </summary>
public sealed class TerminalSession : IAsyncDisposable
{
    private readonly Process _helper;
    private readonly List<string> _lines = [];
    private readonly System.Text.StringBuilder _partial = new();
    private readonly Task _reader;

    private TerminalSession(Process helper)
    {
        _helper = helper;
        _reader = Task.Run(ReadAsync);
    }

    public static string Helper => Path.Combine(RepositoryPaths.Root, "tests", "testbed", "in-terminal");

    /// <summary>Everything the command wrote so far, one entry a line.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Everything written so far, the unfinished last line included.</summary>
    public string Output
    {
        get
        {
            lock (_lines)
            {
                return string.Join('\n', _partial.Length == 0 ? _lines : [.. _lines, _partial.ToString()]);
            }
        }
    }

    public bool HasExited => _helper.HasExited;

    public static TerminalSession Start(ProcessSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var wrapped = ProcessSpec.Create("python3", [Helper, spec.FileName, .. spec.Arguments]) with
        {
            Environment = spec.Environment,
            WorkingDirectory = spec.WorkingDirectory,
        };
        return new TerminalSession(new ProcessRunner().Start(wrapped));
    }

    /// <summary>Presses Ctrl-C at the command's terminal.</summary>
    public async Task InterruptAsync()
    {
        await _helper.StandardInput.WriteLineAsync("intr");
        await _helper.StandardInput.FlushAsync();
    }

    /// <summary>Types <paramref name="text"/> and Enter at the command's terminal.</summary>
    public async Task TypeLineAsync(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        await _helper.StandardInput.WriteLineAsync("type " + text);
        await _helper.StandardInput.FlushAsync();
    }

    /// <summary>Waits until the command has written <paramref name="text"/>, on a finished line or not (a question waiting for its answer).</summary>
    public async Task WaitForTextAsync(string text)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (_helper.HasExited)
            {
                await _reader.WaitAsync(TimeSpan.FromSeconds(10));
                if (Output.Contains(text, StringComparison.Ordinal))
                {
                    return;
                }

                throw new InvalidOperationException($"the command exited ({_helper.ExitCode}) before writing \"{text}\"; it wrote:\n{Output}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the command did not write \"{text}\"; it wrote:\n{Output}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Waits until a line matching <paramref name="match"/> was written; fails when the command exits first.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, string what, TimeSpan? within = null)
    {
        ArgumentNullException.ThrowIfNull(match);
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromMinutes(3));
        while (true)
        {
            if (Lines.FirstOrDefault(match) is { } line)
            {
                return line;
            }

            if (_helper.HasExited)
            {
                await _reader.WaitAsync(TimeSpan.FromSeconds(10));
                if (Lines.FirstOrDefault(match) is { } last)
                {
                    return last;
                }

                throw new InvalidOperationException($"the command exited ({_helper.ExitCode}) before writing {what}; it wrote:\n{Output}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the command did not write {what}; it wrote:\n{Output}");
            }

            await Task.Delay(50);
        }
    }

    public Task<string> WaitForLineAsync(string contains) =>
        WaitForLineAsync(l => l.Contains(contains, StringComparison.Ordinal), $"a line containing \"{contains}\"");

    /// <summary>The command's exit code once it has ended and its output is read.</summary>
    public async Task<int> WaitForExitAsync()
    {
        await _helper.WaitForExitAsync();
        await _reader.WaitAsync(TimeSpan.FromSeconds(30));
        return _helper.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_helper.HasExited)
        {
            _helper.Kill(entireProcessTree: true);
            await _helper.WaitForExitAsync();
        }

        _helper.Dispose();
    }

    private async Task ReadAsync()
    {
        var buffer = new char[4096];
        int read;
        while ((read = await _helper.StandardOutput.ReadAsync(buffer)) > 0)
        {
            lock (_lines)
            {
                foreach (var c in buffer.AsSpan(0, read))
                {
                    if (c == '\n')
                    {
                        _lines.Add(_partial.ToString().TrimEnd('\r'));
                        _partial.Clear();
                    }
                    else
                    {
                        _partial.Append(c);
                    }
                }
            }
        }

        lock (_lines)
        {
            if (_partial.Length > 0)
            {
                _lines.Add(_partial.ToString().TrimEnd('\r'));
                _partial.Clear();
            }
        }
    }
}
