using System.Diagnostics;
using System.Text.Json;
using Fleet.Protocol;

namespace Fleet.Engine.Providers;

/// <summary>
/// What the provider says: answers and notifications on stdout, free text on stderr, and the
/// faults (crash, malformed JSON, an unknown id) that make it unusable. A `log` or `progress`
/// restarts the silence clock of the calls about the resource it names (one naming no resource:
/// the calls about no resource, `initialize` and `shutdown`); stderr lines name no call and
/// restart none.
/// </summary>
public sealed partial class ProviderClient
{
    private async Task ReadStandardOutputAsync()
    {
        var reader = new JsonRpcLineReader(_process.StandardOutput);
        while (true)
        {
            string? line;
            try
            {
                line = await reader.ReadLineAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (IOException)
            {
                line = null;
            }

            if (line is null)
            {
                await OnStandardOutputClosedAsync().ConfigureAwait(false);
                return;
            }

            JsonRpcMessage message;
            try
            {
                message = JsonRpcMessage.Parse(line);
            }
            catch (JsonRpcFormatException e)
            {
                MarkFaulted($"wrote malformed JSON on stdout ({e.Message}): {Shorten(line)}");
                return;
            }

            if (message.IsResponse)
            {
                if (message.NumericId is { } id && _pending.TryGetValue(id, out var call))
                {
                    call.Completion.TrySetResult(message);
                }
                else if (message.NumericId is not { } late || !_abandoned.TryRemove(late, out _))
                {
                    MarkFaulted($"answered with an unknown id {message.Id?.GetRawText() ?? "null"}");
                    return;
                }
            }
            else if (message.IsNotification)
            {
                OnNotification(message);
            }
            else
            {
                await AnswerUnknownRequestAsync(message).ConfigureAwait(false);
            }
        }
    }

    private void OnNotification(JsonRpcMessage message)
    {
        try
        {
            switch (message.Method)
            {
                case ProtocolMethods.Log when message.Params?.Deserialize(ProtocolJsonContext.Default.LogParams) is { } log:
                    Heard(log.Resource);
                    Log?.Invoke(log);
                    break;
                case ProtocolMethods.Progress when message.Params?.Deserialize(ProtocolJsonContext.Default.ProgressParams) is { } progress:
                    Heard(progress.Resource);
                    Progress?.Invoke(progress);
                    break;
                default:
                    break;
            }
        }
        catch (JsonException e)
        {
            Log?.Invoke(new LogParams("warn", null, $"provider `{Name}` sent a malformed `{message.Method}` notification: {e.Message}"));
        }
    }

    private async Task AnswerUnknownRequestAsync(JsonRpcMessage request)
    {
        try
        {
            await _writer.WriteAsync(
                JsonRpcMessage.Failure(request.Id, new JsonRpcError(JsonRpcErrorCodes.MethodNotFound, $"the engine has no method `{request.Method}`", null)),
                CancellationToken.None).ConfigureAwait(false);
        }
        catch (IOException)
        {
        }
    }

    private async Task OnStandardOutputClosedAsync()
    {
        if (_closing)
        {
            return;
        }

        using (var exit = new CancellationTokenSource(TimeSpan.FromSeconds(3)))
        {
            await _process.WaitForExitAsync(exit.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await _stderrLoop.WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_closing)
        {
            return;
        }

        if (!_process.HasExited)
        {
            MarkFaulted("closed its stdout");
        }
        else if (_process.ExitCode == 0)
        {
            MarkFaulted("exited (exit code 0)");
        }
        else
        {
            MarkFaulted($"crashed (exit code {_process.ExitCode})");
        }
    }

    private async Task ReadStandardErrorAsync()
    {
        try
        {
            while (await _process.StandardError.ReadLineAsync(_stopping.Token).ConfigureAwait(false) is { } line)
            {
                lock (_stderrTail)
                {
                    _stderrTail.Enqueue(line);
                    while (_stderrTail.Count > StderrTailLines)
                    {
                        _stderrTail.Dequeue();
                    }
                }

                try
                {
                    Log?.Invoke(new LogParams("stderr", null, line));
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    Debug.WriteLine(e);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Marks the provider unusable, fails every call in flight, and kills the process.</summary>
    private void MarkFaulted(string reason)
    {
        lock (_pending)
        {
            if (_fault is not null)
            {
                return;
            }

            _fault = reason;
        }

        FailPending(reason);
        if (!_closing)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
            }
        }
    }

    private void FailPending(string reason)
    {
        foreach (var (_, call) in _pending)
        {
            call.Completion.TrySetException(Failure(call.Method, call.Resource, reason));
        }
    }
}
