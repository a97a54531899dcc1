using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Fleet.Engine.Graph;
using Fleet.Processes;
using Fleet.Protocol;

namespace Fleet.Engine.Providers;

/// <summary>
/// The engine's side of one running provider process. Requests are multiplexed by id over its
/// stdin/stdout; `log` and `progress` notifications and stderr lines become events. A call may go
/// silent for the declaration's timeout: every `log` or `progress` naming the call's resource
/// restarts its clock, and a call that stays silent that long is cancelled (`$/cancel`) and
/// fails alone while the provider's other calls go on. When the provider breaks the protocol
/// (crashes, speaks malformed JSON, answers an id nobody asked) it is killed, and the calls in
/// flight (and any later call) fail with a <see cref="ProviderException"/> naming the provider
/// and resource; nothing else in the engine is affected.
/// </summary>
public sealed partial class ProviderClient : IAsyncDisposable
{
    private const int StderrTailLines = 20;
    /// <summary>The longest a cancelled call that keeps talking is waited for (its cleanup; the nixos provider's `reject` is bounded at 45 s).</summary>
    private static readonly TimeSpan CancelCleanupLimit = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The least time `initialize` may stay silent, whatever the declared timeout: its answer
    /// includes the provider's start (a runtime loading, an interpreter importing), which a loaded
    /// machine makes slow, while the declared timeout is meant for the provider's work on a resource.
    /// </summary>
    public static readonly TimeSpan InitializeTimeout = TimeSpan.FromMinutes(2);

    private readonly ProviderDeclaration _declaration;
    private readonly Process _process;
    private readonly JsonRpcLineWriter _writer;
    private readonly ConcurrentDictionary<long, PendingCall> _pending = new();
    private readonly ConcurrentDictionary<long, bool> _abandoned = new();
    private readonly Queue<string> _stderrTail = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _stdoutLoop;
    private readonly Task _stderrLoop;
    private long _nextId;
    private volatile string? _fault;
    private volatile bool _closing;
    private int _disposed;

    private ProviderClient(ProviderDeclaration declaration, Process process)
    {
        _declaration = declaration;
        _process = process;
        _writer = new JsonRpcLineWriter(process.StandardInput.BaseStream);
        _stderrLoop = Task.Run(ReadStandardErrorAsync);
        _stdoutLoop = Task.Run(ReadStandardOutputAsync);
    }

    public event Action<LogParams>? Log;

    public event Action<ProgressParams>? Progress;

    public string Name => _declaration.Name;

    public ProviderDeclaration Declaration => _declaration;

    /// <summary>The provider's answer to `initialize`: name, version and resource types.</summary>
    public InitializeResult Info { get; private set; } = new("", "", 0, []);

    /// <summary>The provider's process id: one process serves every call of this client.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Why the provider can no longer be used, or null while it is healthy.</summary>
    public string? Fault => _fault;

    /// <summary>Starts the provider's process, runs `initialize`, then sends `$/credentials` when there are any.</summary>
    public static async Task<ProviderClient> StartAsync(
        ProviderDeclaration declaration,
        ProcessRunner runner,
        CancellationToken cancellationToken,
        CredentialsParams? credentials = null)
    {
        ArgumentNullException.ThrowIfNull(declaration);
        ArgumentNullException.ThrowIfNull(runner);
        if (declaration.Command.IsDefaultOrEmpty)
        {
            throw new ProviderException(declaration.Name, null, $"provider `{declaration.Name}` has an empty command");
        }

        Process process;
        try
        {
            process = runner.Start(ProcessSpec.Create(declaration.Command[0], declaration.Command.Skip(1)).InOwnSession());
        }
        catch (ProcessFailedException e)
        {
            throw new ProviderException(
                declaration.Name,
                null,
                $"provider `{declaration.Name}` could not be started: `{declaration.Command[0]}` is missing or not executable ({e.Message})",
                innerException: e);
        }

        var client = new ProviderClient(declaration, process);
        try
        {
            var engineVersion = FleetVersion.Current;
            client.Info = await client.CallAsync(
                ProtocolMethods.Initialize,
                null,
                JsonSerializer.SerializeToElement(new InitializeParams(engineVersion, ProtocolMethods.Version), ProtocolJsonContext.Default.InitializeParams),
                ProtocolJsonContext.Default.InitializeResult,
                cancellationToken).ConfigureAwait(false);
            if (client.Info.ProtocolVersion != ProtocolMethods.Version)
            {
                throw new ProviderException(
                    declaration.Name,
                    null,
                    $"provider `{declaration.Name}` speaks protocol version {client.Info.ProtocolVersion}; this fleet speaks {ProtocolMethods.Version}");
            }

            if (credentials is { SudoPassword: not null })
            {
                // A notification on the provider's stdin: never argv, environment or a log line.
                await client._writer.WriteAsync(
                    JsonRpcMessage.Notification(ProtocolMethods.Credentials, JsonSerializer.SerializeToElement(credentials, ProtocolJsonContext.Default.CredentialsParams)),
                    cancellationToken).ConfigureAwait(false);
            }

            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The schema of one of this provider's types, or null when it has no such type.</summary>
    public ResourceTypeSchema? Schema(string type) =>
        Info.ResourceTypes.FirstOrDefault(t => string.Equals(t.Type, type, StringComparison.Ordinal));

    public Task<ValidateResult> ValidateAsync(ValidateParams request, CancellationToken cancellationToken) =>
        CallAsync(ProtocolMethods.Validate, request?.Id, Serialize(request, ProtocolJsonContext.Default.ValidateParams), ProtocolJsonContext.Default.ValidateResult, cancellationToken);

    public Task<PlanResult> PlanAsync(PlanParams request, CancellationToken cancellationToken) =>
        CallAsync(ProtocolMethods.Plan, request?.Id, Serialize(request, ProtocolJsonContext.Default.PlanParams), ProtocolJsonContext.Default.PlanResult, cancellationToken);

    public Task<ApplyResult> CreateAsync(ApplyParams request, CancellationToken cancellationToken) =>
        CallAsync(ProtocolMethods.Create, request?.Id, Serialize(request, ProtocolJsonContext.Default.ApplyParams), ProtocolJsonContext.Default.ApplyResult, cancellationToken);

    public Task<ApplyResult> UpdateAsync(ApplyParams request, CancellationToken cancellationToken) =>
        CallAsync(ProtocolMethods.Update, request?.Id, Serialize(request, ProtocolJsonContext.Default.ApplyParams), ProtocolJsonContext.Default.ApplyResult, cancellationToken);

    public Task<ReadResult> ReadAsync(ReadParams request, CancellationToken cancellationToken) =>
        CallAsync(ProtocolMethods.Read, request?.Id, Serialize(request, ProtocolJsonContext.Default.ReadParams), ProtocolJsonContext.Default.ReadResult, cancellationToken);

    public async Task DeleteAsync(DeleteParams request, CancellationToken cancellationToken) =>
        _ = await CallAsync(ProtocolMethods.Delete, request?.Id, Serialize(request, ProtocolJsonContext.Default.DeleteParams), ProtocolJsonContext.Default.JsonElement, cancellationToken).ConfigureAwait(false);

    /// <summary>Sends `shutdown`, then stops the process (SIGINT, SIGTERM, kill) if it does not exit.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (_fault is null && !_process.HasExited)
        {
            try
            {
                using var timeout = new CancellationTokenSource(ShutdownGrace);
                _ = await CallAsync(ProtocolMethods.Shutdown, null, EmptyObject(), ProtocolJsonContext.Default.JsonElement, timeout.Token, closing: true).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ProviderException or OperationCanceledException or IOException)
            {
            }
        }

        _closing = true;
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
        }

        using (var exit = new CancellationTokenSource(ShutdownGrace))
        {
            await _process.WaitForExitAsync(exit.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await ProcessRunner.StopAsync(_process, TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_stdoutLoop, _stderrLoop).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        FailPending($"was stopped");
        _writer.Dispose();
        _stopping.Dispose();
        _process.Dispose();
    }

    private static JsonElement Serialize<T>(T? value, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(value);
        return JsonSerializer.SerializeToElement(value, typeInfo);
    }

    private static JsonElement EmptyObject()
    {
        using var document = JsonDocument.Parse("{}");
        return document.RootElement.Clone();
    }

    private async Task<TResult> CallAsync<TResult>(
        string method,
        string? resource,
        JsonElement parameters,
        JsonTypeInfo<TResult> resultType,
        CancellationToken cancellationToken,
        bool closing = false)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfUnusable(method, resource, closing);
        var id = Interlocked.Increment(ref _nextId);
        var call = new PendingCall(method, resource);
        _pending[id] = call;
        try
        {
            ThrowIfUnusable(method, resource, closing);
            try
            {
                await _writer.WriteAsync(JsonRpcMessage.Request(id, method, parameters), CancellationToken.None).ConfigureAwait(false);
            }
            catch (IOException)
            {
                // The process is gone; the stdout loop reports how it ended and fails this call.
            }

            JsonRpcMessage? response;
            var timeout = CallTimeout(method, _declaration.Timeout);
            try
            {
                response = await AnswerUnlessSilentAsync(call, timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                response = await CancelAsync(id, call, cancellationToken).ConfigureAwait(false);
            }

            if (response is null)
            {
                throw await AbandonSilentAsync(id, call, timeout).ConfigureAwait(false);
            }

            return Interpret(call, response, resultType);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>
    /// Sends `$/cancel` and waits for the call's answer while the provider keeps saying something
    /// about it (<see cref="ProviderCall.CancelGrace"/> of silence at most, <see cref="CancelCleanupLimit"/>
    /// in all): a cancelled step may have cleanup to finish, such as telling a node to roll back
    /// now, and a heartbeat says it is doing so. A call that goes silent is given up and its late
    /// answer ignored.
    /// </summary>
    private async Task<JsonRpcMessage> CancelAsync(long id, PendingCall call, CancellationToken cancellationToken)
    {
        try
        {
            await _writer.WriteAsync(
                JsonRpcMessage.Notification(ProtocolMethods.Cancel, JsonSerializer.SerializeToElement(new CancelParams(id), ProtocolJsonContext.Default.CancelParams)),
                CancellationToken.None).ConfigureAwait(false);
        }
        catch (IOException)
        {
        }

        call.Heard();
        using var limit = new CancellationTokenSource(CancelCleanupLimit);
        try
        {
            var response = await AnswerUnlessSilentAsync(call, ProviderCall.CancelGrace, limit.Token).ConfigureAwait(false)
                ?? throw new TimeoutException();
            if (response.Error is not null)
            {
                throw new OperationCanceledException(cancellationToken);
            }

            // The work finished before the cancel arrived: its result is the truth to record.
            return response;
        }
        catch (Exception e) when (e is TimeoutException || (e is OperationCanceledException && limit.IsCancellationRequested))
        {
            _abandoned[id] = true;
            throw new OperationCanceledException(cancellationToken);
        }
    }

    private TResult Interpret<TResult>(PendingCall call, JsonRpcMessage response, JsonTypeInfo<TResult> resultType)
    {
        if (response.Error is { } error)
        {
            var what = call.Resource is null ? "" : $" `{call.Resource}`";
            switch (error.Code)
            {
                case JsonRpcErrorCodes.MethodNotFound:
                    throw new ProviderException(Name, call.Resource, $"provider `{Name}` does not implement `{call.Method}` (needed while {Verb(call.Method)}{what}): {error.Message}");
                case JsonRpcErrorCodes.ResourceFailed:
                    throw new ProviderException(Name, call.Resource, $"provider `{Name}` failed {Verb(call.Method)}{what}: {error.Message}", FailureDiagnostics(error));
                default:
                    throw new ProviderException(Name, call.Resource, $"provider `{Name}` failed {Verb(call.Method)}{what} (error {error.Code}): {error.Message}");
            }
        }

        try
        {
            var result = response.Result is { } element ? element.Deserialize(resultType) : default;
            return result ?? throw new JsonException("the result is null");
        }
        catch (JsonException e)
        {
            var what = call.Resource is null ? "" : $" for `{call.Resource}`";
            throw new ProviderException(Name, call.Resource, $"provider `{Name}` answered `{call.Method}`{what} with a result that does not match the protocol: {e.Message}", innerException: e);
        }
    }

    private static ImmutableArray<Diagnostic> FailureDiagnostics(JsonRpcError error)
    {
        try
        {
            return error.Data is { ValueKind: JsonValueKind.Object } data
                && data.Deserialize(ProtocolJsonContext.Default.ResourceFailureData) is { Diagnostics.IsDefault: false } failure
                ? failure.Diagnostics
                : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private void ThrowIfUnusable(string method, string? resource, bool closing)
    {
        if (_fault is { } fault)
        {
            throw Failure(method, resource, fault);
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1 && !closing, this);
    }

    private ProviderException Failure(string method, string? resource, string reason)
    {
        string[] tail;
        lock (_stderrTail)
        {
            tail = [.. _stderrTail];
        }

        var target = resource is null ? Verb(method) : $"{Verb(method)} `{resource}`";
        var message = $"provider `{Name}` {reason} while {target}";
        message += tail.Length == 0
            ? "; it wrote nothing on stderr"
            : "; its last stderr lines:\n" + string.Join('\n', tail.Select(l => "  " + l));
        return new ProviderException(Name, resource, message);
    }

    private static string Verb(string method) => method switch
    {
        ProtocolMethods.Initialize => "initializing",
        ProtocolMethods.Validate => "validating",
        ProtocolMethods.Plan => "planning",
        ProtocolMethods.Create => "creating",
        ProtocolMethods.Read => "reading",
        ProtocolMethods.Update => "updating",
        ProtocolMethods.Delete => "deleting",
        ProtocolMethods.Shutdown => "shutting down",
        _ => $"calling `{method}` on",
    };

    private static string Shorten(string line) => line.Length <= 200 ? line : line[..200] + "…";

    /// <summary>A call in flight: its answer to come, and when the provider last said something about it.</summary>
    private sealed class PendingCall(string method, string? resource)
    {
        private long _lastHeard = Stopwatch.GetTimestamp();

        public string Method { get; } = method;

        public string? Resource { get; } = resource;

        public TaskCompletionSource<JsonRpcMessage> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>How long since the call was sent or last heard of.</summary>
        public TimeSpan Silence => Stopwatch.GetElapsedTime(Volatile.Read(ref _lastHeard));

        public void Heard() => Volatile.Write(ref _lastHeard, Stopwatch.GetTimestamp());
    }
}
