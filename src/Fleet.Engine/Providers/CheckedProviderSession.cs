using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fleet.Processes;
using Fleet.Protocol;

namespace Fleet.Engine.Providers;

/// <summary>
/// The raw JSON-RPC session `fleet provider check` holds with a provider: requests out, and every
/// stdout line checked as it arrives (framing, protocol envelope, notifications, ids nobody
/// asked for), each problem reported as a violation instead of ending the session.
/// </summary>
internal sealed class CheckedProviderSession : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ProtocolSchema _schema;
    private readonly TimeSpan _timeout;
    private readonly Action<string> _violation;
    private readonly JsonRpcLineWriter _writer;
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonRpcMessage>> _pending = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly Task _stdoutLoop;
    private readonly Task _stderrLoop;
    private readonly List<string> _steps = [];
    private long _nextId;

    public CheckedProviderSession(Process process, ProtocolSchema schema, TimeSpan timeout, Action<string> violation)
    {
        _process = process;
        _schema = schema;
        _timeout = timeout;
        _violation = violation;
        _writer = new JsonRpcLineWriter(process.StandardInput.BaseStream);
        _stdoutLoop = Task.Run(() => ReadStandardOutputAsync(process), CancellationToken.None);
        _stderrLoop = Task.Run(() => ReadStandardErrorAsync(process), CancellationToken.None);
    }

    /// <summary>The methods called, in order.</summary>
    public IReadOnlyList<string> Steps => _steps;

    /// <summary>Whether the provider's process ends within the time given.</summary>
    public async Task<bool> ExitsWithinAsync(TimeSpan time)
    {
        using var exit = new CancellationTokenSource(time);
        await _process.WaitForExitAsync(exit.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return _process.HasExited;
    }

    /// <summary>Closes the provider's stdin, stops it and waits for its output to end.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
        }

        await ProcessRunner.StopAsync(_process, TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        await Task.WhenAll(_stdoutLoop, _stderrLoop).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _writer.Dispose();
    }

    /// <summary>Sends a request and returns its answer, or null (with a violation) when none came.</summary>
    public async Task<JsonRpcMessage?> CallAsync(string method, JsonNode parameters, CancellationToken cancellationToken, bool checkSchema = true)
    {
        _steps.Add(method);
        var id = Interlocked.Increment(ref _nextId);
        var completion = new TaskCompletionSource<JsonRpcMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = completion;
        using var document = JsonDocument.Parse(parameters.ToJsonString());
        try
        {
            await _writer.WriteAsync(JsonRpcMessage.Request(id, method, document.RootElement.Clone()), cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
        }

        var ended = _stdoutLoop;
        var timeout = ProviderClient.CallTimeout(method, _timeout);
        var winner = await Task.WhenAny(completion.Task, ended, Task.Delay(timeout, cancellationToken)).ConfigureAwait(false);
        _pending.TryRemove(id, out _);

        // An answer followed at once by the end of stdout (`shutdown`) completes both; the answer counts.
        if (winner != completion.Task && !completion.Task.IsCompletedSuccessfully)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (winner == ended)
            {
                var code = _process.WaitForExit(2000) ? $"exit code {_process.ExitCode}" : "still running";
                _violation($"the provider closed stdout ({code}) before answering `{method}`{StderrTail()}");
            }
            else
            {
                _violation($"no answer to `{method}` within {timeout.TotalSeconds:0.#}s");
            }

            return null;
        }

        var response = completion.Task.Result;
        if (response.Error is { } error)
        {
            if (error.Code == JsonRpcErrorCodes.MethodNotFound && checkSchema)
            {
                _violation($"the provider does not implement `{method}` ({error.Message})");
            }
            else if (checkSchema)
            {
                _violation($"`{method}` failed with error {error.Code}: {error.Message}");
            }

            return response;
        }

        var definition = method + "Result";
        if (checkSchema && response.Result is { } result && _schema.HasDefinition(definition))
        {
            foreach (var problem in _schema.CheckDefinition(definition, result))
            {
                _violation($"`{method}` result does not match the protocol at {problem}");
            }
        }

        return response;
    }

    private string StderrTail()
    {
        var tail = _stderr.TakeLast(10).ToList();
        return tail.Count == 0 ? "" : "; its last stderr lines:\n" + string.Join('\n', tail.Select(l => "    " + l));
    }

    private async Task ReadStandardOutputAsync(Process process)
    {
        var reader = new JsonRpcLineReader(process.StandardOutput);
        var number = 0;
        while (await reader.ReadLineAsync(CancellationToken.None).ConfigureAwait(false) is { } line)
        {
            number++;
            JsonRpcMessage message;
            JsonElement raw;
            try
            {
                message = JsonRpcMessage.Parse(line);
                using var document = JsonDocument.Parse(line);
                raw = document.RootElement.Clone();
            }
            catch (JsonRpcFormatException e)
            {
                _violation($"stdout line {number} is not a JSON-RPC message ({e.Message}): {(line.Length > 120 ? line[..120] + "…" : line)}");
                continue;
            }

            foreach (var problem in _schema.CheckMessage(raw))
            {
                _violation($"stdout line {number} does not match the protocol envelope at {problem}");
            }

            if (message.IsResponse)
            {
                if (message.NumericId is { } id && _pending.TryGetValue(id, out var completion))
                {
                    completion.TrySetResult(message);
                }
                else
                {
                    _violation($"stdout line {number} answers id {message.Id?.GetRawText() ?? "null"}, which no request had{(message.Error is { } e ? $" (error {e.Code}: {e.Message})" : "")}");
                }
            }
            else if (message.IsNotification)
            {
                var definition = message.Method switch
                {
                    ProtocolMethods.Log => "logParams",
                    ProtocolMethods.Progress => "progressParams",
                    _ => null,
                };
                if (definition is null)
                {
                    _violation($"stdout line {number}: `{message.Method}` is not a provider notification");
                }
                else
                {
                    using var document = JsonDocument.Parse(message.Params?.GetRawText() ?? "null");
                    foreach (var problem in _schema.CheckDefinition(definition, document.RootElement))
                    {
                        _violation($"stdout line {number}: `{message.Method}` params do not match the protocol at {problem}");
                    }
                }
            }
            else
            {
                _violation($"stdout line {number}: providers send no requests, but this is a `{message.Method}` request");
            }
        }
    }

    private async Task ReadStandardErrorAsync(Process process)
    {
        while (await process.StandardError.ReadLineAsync(CancellationToken.None).ConfigureAwait(false) is { } line)
        {
            _stderr.Enqueue(line);
        }
    }
}
