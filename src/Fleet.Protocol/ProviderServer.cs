using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Fleet.Protocol;

/// <summary>
/// Runs a provider over stdin/stdout: answers `initialize`, dispatches resource calls to their
/// <see cref="ResourceHandler"/> concurrently, maps `$/cancel` to the call's token, keeps what
/// `$/credentials` sent for later calls (<see cref="ProviderCall.Credentials"/>), and ends on
/// `shutdown` or end of input. Handler failures become JSON-RPC errors; the loop keeps going.
/// Nothing is served before `initialize`: another request is answered with
/// <see cref="JsonRpcErrorCodes.ServerNotInitialized"/>, a notification is dropped (only
/// `shutdown` is always answered), and a second `initialize` is an invalid request.
/// </summary>
public sealed class ProviderServer
{
    private readonly ProviderDefinition _definition;
    private readonly Dictionary<string, ResourceHandler> _handlers;
    private readonly ConcurrentDictionary<long, CancellationTokenSource> _inFlight = new();
    private volatile CredentialsParams _credentials = CredentialsParams.None;
    private bool _initialized;

    public ProviderServer(ProviderDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        _definition = definition;
        _handlers = definition.Resources.ToDictionary(h => h.Type, StringComparer.Ordinal);
    }

    /// <summary>Serves on the process's stdin and stdout; returns the exit code.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await using var input = Console.OpenStandardInput();
        await using var output = Console.OpenStandardOutput();
        return await RunAsync(input, output, cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> RunAsync(Stream input, Stream output, CancellationToken cancellationToken)
    {
        using var reader = new JsonRpcLineReader(input);
        using var writer = new JsonRpcLineWriter(output);
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var calls = new ConcurrentDictionary<Task, bool>();
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                JsonRpcMessage? message;
                try
                {
                    message = await reader.ReadAsync(stopping.Token).ConfigureAwait(false);
                }
                catch (JsonRpcFormatException e)
                {
                    var code = e.InnerException is JsonException ? JsonRpcErrorCodes.ParseError : JsonRpcErrorCodes.InvalidRequest;
                    await writer.WriteAsync(JsonRpcMessage.Failure(null, new JsonRpcError(code, e.Message, null)), CancellationToken.None).ConfigureAwait(false);
                    continue;
                }

                if (message is null)
                {
                    break;
                }

                if (message.IsNotification && !_initialized)
                {
                    // Nothing to cancel yet, and credentials belong to an initialized session.
                    continue;
                }

                if (message.IsNotification)
                {
                    if (message.Method == ProtocolMethods.Credentials && message.Params is { ValueKind: JsonValueKind.Object } c)
                    {
                        try
                        {
                            _credentials = c.Deserialize(ProtocolJsonContext.Default.CredentialsParams) ?? CredentialsParams.None;
                        }
                        catch (JsonException)
                        {
                            // A malformed notification has no answer; the provider runs without credentials.
                        }

                        continue;
                    }

                    if (message.Method == ProtocolMethods.Cancel
                        && message.Params is { } p
                        && p.ValueKind == JsonValueKind.Object
                        && p.TryGetProperty("id", out var id)
                        && id.ValueKind == JsonValueKind.Number
                        && id.TryGetInt64(out var cancelled)
                        && _inFlight.TryGetValue(cancelled, out var source))
                    {
                        await CancelAsync(source).ConfigureAwait(false);
                    }

                    continue;
                }

                if (!message.IsRequest)
                {
                    continue;
                }

                if (message.Method == ProtocolMethods.Shutdown)
                {
                    await Task.WhenAll(calls.Keys).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    await writer.WriteAsync(
                        JsonRpcMessage.Success(message.Id, JsonSerializer.SerializeToElement(new ShutdownResult(), ProtocolJsonContext.Default.ShutdownResult)),
                        CancellationToken.None).ConfigureAwait(false);
                    return 0;
                }

                if (message.Method == ProtocolMethods.Initialize || !_initialized)
                {
                    // Answered in order, before anything read after it: a call sent right behind
                    // `initialize` is served, one sent before it is not.
                    await writer.WriteAsync(Initialize(message), CancellationToken.None).ConfigureAwait(false);
                    continue;
                }

                var call = Task.Run(() => AnswerAsync(message, writer, stopping.Token), CancellationToken.None);
                calls[call] = true;
                _ = call.ContinueWith(t => calls.TryRemove(t, out _), TaskScheduler.Default);
            }
        }
        finally
        {
            foreach (var source in _inFlight.Values)
            {
                await CancelAsync(source).ConfigureAwait(false);
            }

            await Task.WhenAll(calls.Keys).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        return 0;
    }

    /// <summary>Cancels a call that may have just ended: its source is then disposed, and there is nothing left to cancel.</summary>
    private static async Task CancelAsync(CancellationTokenSource source)
    {
        try
        {
            await source.CancelAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private JsonRpcMessage Initialize(JsonRpcMessage request)
    {
        if (request.Method != ProtocolMethods.Initialize)
        {
            return JsonRpcMessage.Failure(
                request.Id,
                new JsonRpcError(JsonRpcErrorCodes.ServerNotInitialized, $"server not initialized: `{request.Method}` before `initialize`", null));
        }

        if (_initialized)
        {
            return JsonRpcMessage.Failure(request.Id, new JsonRpcError(JsonRpcErrorCodes.InvalidRequest, "`initialize` was already answered; send it once", null));
        }

        try
        {
            _ = Read(request, ProtocolJsonContext.Default.InitializeParams);
        }
        catch (ProtocolErrorException e)
        {
            return JsonRpcMessage.Failure(request.Id, new JsonRpcError(e.Code, e.Message, null));
        }
        catch (JsonException e)
        {
            return JsonRpcMessage.Failure(request.Id, new JsonRpcError(JsonRpcErrorCodes.InvalidParams, "invalid params: " + e.Message, null));
        }

        _initialized = true;
        return JsonRpcMessage.Success(
            request.Id,
            Write(
                new InitializeResult(_definition.Name, _definition.Version, ProtocolMethods.Version, [.. _definition.Resources.Select(h => h.Schema)]),
                ProtocolJsonContext.Default.InitializeResult));
    }

    private async Task AnswerAsync(JsonRpcMessage request, JsonRpcLineWriter writer, CancellationToken stopping)
    {
        var key = request.NumericId;
        using var source = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        if (key is { } k)
        {
            _inFlight[k] = source;
        }

        JsonRpcMessage answer;
        try
        {
            var result = await DispatchAsync(request, writer, source.Token).ConfigureAwait(false);
            answer = JsonRpcMessage.Success(request.Id, result);
        }
        catch (OperationCanceledException) when (source.IsCancellationRequested)
        {
            answer = JsonRpcMessage.Failure(request.Id, new JsonRpcError(JsonRpcErrorCodes.RequestCancelled, "cancelled", null));
        }
        catch (ResourceFailedException e)
        {
            var data = JsonSerializer.SerializeToElement(new ResourceFailureData(e.Diagnostics), ProtocolJsonContext.Default.ResourceFailureData);
            answer = JsonRpcMessage.Failure(request.Id, new JsonRpcError(JsonRpcErrorCodes.ResourceFailed, e.Message, data));
        }
        catch (ProtocolErrorException e)
        {
            answer = JsonRpcMessage.Failure(request.Id, new JsonRpcError(e.Code, e.Message, null));
        }
        catch (JsonException e)
        {
            answer = JsonRpcMessage.Failure(request.Id, new JsonRpcError(JsonRpcErrorCodes.InvalidParams, "invalid params: " + e.Message, null));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            answer = JsonRpcMessage.Failure(request.Id, new JsonRpcError(JsonRpcErrorCodes.InternalError, e.Message, null));
        }
        finally
        {
            if (key is { } done)
            {
                _inFlight.TryRemove(done, out _);
            }
        }

        await writer.WriteAsync(answer, CancellationToken.None).ConfigureAwait(false);
    }

    private async Task<JsonElement> DispatchAsync(JsonRpcMessage request, JsonRpcLineWriter writer, CancellationToken cancellationToken)
    {
        var context = ProtocolJsonContext.Default;
        switch (request.Method)
        {
            case ProtocolMethods.Validate:
                {
                    var p = Read(request, context.ValidateParams);
                    return Write(await Handler(p.Type).ValidateAsync(p, new ProviderCall(writer, p.Id, _credentials), cancellationToken).ConfigureAwait(false), context.ValidateResult);
                }

            case ProtocolMethods.Plan:
                {
                    var p = Read(request, context.PlanParams);
                    return Write(await Handler(p.Type).PlanAsync(p, new ProviderCall(writer, p.Id, _credentials), cancellationToken).ConfigureAwait(false), context.PlanResult);
                }

            case ProtocolMethods.Create:
                {
                    var p = Read(request, context.ApplyParams);
                    return Write(await Handler(p.Type).CreateAsync(p, new ProviderCall(writer, p.Id, _credentials), cancellationToken).ConfigureAwait(false), context.ApplyResult);
                }

            case ProtocolMethods.Update:
                {
                    var p = Read(request, context.ApplyParams);
                    return Write(await Handler(p.Type).UpdateAsync(p, new ProviderCall(writer, p.Id, _credentials), cancellationToken).ConfigureAwait(false), context.ApplyResult);
                }

            case ProtocolMethods.Read:
                {
                    var p = Read(request, context.ReadParams);
                    return Write(await Handler(p.Type).ReadAsync(p, new ProviderCall(writer, p.Id, _credentials), cancellationToken).ConfigureAwait(false), context.ReadResult);
                }

            case ProtocolMethods.Delete:
                {
                    var p = Read(request, context.DeleteParams);
                    await Handler(p.Type).DeleteAsync(p, new ProviderCall(writer, p.Id, _credentials), cancellationToken).ConfigureAwait(false);
                    return Write(new DeleteResult(), context.DeleteResult);
                }

            default:
                throw new ProtocolErrorException(JsonRpcErrorCodes.MethodNotFound, $"no method `{request.Method}`");
        }
    }

    private ResourceHandler Handler(string type) =>
        _handlers.TryGetValue(type, out var handler)
            ? handler
            : throw new ProtocolErrorException(JsonRpcErrorCodes.InvalidParams, $"unknown resource type `{type}`");

    private static T Read<T>(JsonRpcMessage request, JsonTypeInfo<T> typeInfo) =>
        request.Params is { } p
            ? p.Deserialize(typeInfo) ?? throw new ProtocolErrorException(JsonRpcErrorCodes.InvalidParams, "params are null")
            : throw new ProtocolErrorException(JsonRpcErrorCodes.InvalidParams, "params are missing");

    private static JsonElement Write<T>(T value, JsonTypeInfo<T> typeInfo) => JsonSerializer.SerializeToElement(value, typeInfo);
}
