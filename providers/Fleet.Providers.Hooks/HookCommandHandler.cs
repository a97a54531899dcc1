using System.Buffers;
using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Fleet.Nodes;
using Fleet.Processes;
using Fleet.Protocol;

namespace Fleet.Providers.Hooks;

/// <summary>
/// `hook.command`: a command run when what it runs or what it follows changes (its command, its
/// environment, `system`, the outputs of the resources it watches), or on every apply with
/// `always`. A change of how it reaches its node or how long it may take only updates what is
/// recorded. Output lines stream as `log` notifications; a non-zero exit or a timeout fails the
/// resource quoting the last lines. Delete undoes nothing.
/// </summary>
public sealed class HookCommandHandler : ResourceHandler, IAsyncDisposable
{
    private const int TailLines = 10;

    private static readonly JsonElement s_inputs = ParseJson("""
        {"type":"object",
         "properties":{
           "argv":{"type":"array","minItems":1,"items":{"type":"string"}},
           "script":{"type":"string"},
           "on":{"enum":["local","node"]},
           "targetHost":{"type":["string","null"]},"targetPort":{"type":["integer","null"]},"targetUser":{"type":["string","null"]},
           "privilegeEscalationCommand":{"type":"array","items":{"type":"string"}},
           "sshOptions":{"type":"array","items":{"type":"string"}},"hostKey":{"type":["string","null"]},
           "timeout":{"type":"number","exclusiveMinimum":0},
           "environment":{"type":"object"},
           "watch":{"type":"object"},
           "always":{"type":"boolean"},
           "node":{"type":["string","null"]},"phase":{"type":["string","null"]},"system":{"type":["string","null"]}},
         "examples":[{"argv":["true"]}]}
        """);

    private static readonly JsonElement s_outputs = ParseJson("""
        {"type":"object","required":["exitCode"],
         "properties":{"exitCode":{"type":"integer"},"ranAt":{"type":"string"},"output":{"type":"string"}}}
        """);

    /// <summary>Inputs whose change alone runs nothing: how the hook reaches its node, its timeout, `always` itself.</summary>
    private static readonly ImmutableHashSet<string> s_quietFields =
        ["targetHost", "targetPort", "targetUser", "privilegeEscalationCommand", "sshOptions", "hostKey", "timeout", "always"];

    private readonly SshConnections _ssh = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _deleted = new(StringComparer.Ordinal);
    private readonly HookExecution _execution;

    public HookCommandHandler()
    {
        _execution = new HookExecution(new ProcessRunner(), _ssh);
    }

    public override string Type => "hook.command";

    public override JsonElement InputSchema => s_inputs;

    public override JsonElement OutputSchema => s_outputs;

    public override Task<ValidateResult> ValidateAsync(ValidateParams request, ProviderCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Task.FromResult(new ValidateResult(HookInputs.Problems(request.Inputs)));
    }

    public override async Task<PlanResult> PlanAsync(PlanParams request, ProviderCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var plan = await base.PlanAsync(request, call, cancellationToken).ConfigureAwait(false);
        var always = request.DesiredInputs.TryGetProperty("always", out var a) && a.ValueKind == JsonValueKind.True;
        if (always)
        {
            return plan.Action == PlanAction.Noop ? new PlanResult(PlanAction.Update, ["always"], ["ranAt", "output", "exitCode"], "runs on every apply") : plan;
        }

        if (plan.Action != PlanAction.Update)
        {
            return plan;
        }

        var runs = plan.ChangedFields.Where(f => !s_quietFields.Contains(f)).ToList();
        if (runs.Count == 0)
        {
            return new PlanResult(PlanAction.Update, plan.ChangedFields, [], "does not run: only how it reaches its node or its timeout changed");
        }

        // A watched resource changing in this run leaves its reference unresolved until apply.
        return runs is ["watch"] && HasReference(request.DesiredInputs.GetProperty("watch"))
            ? plan with { Reason = "runs if an output it watches changes" }
            : plan;
    }

    public override Task<ApplyResult> CreateAsync(ApplyParams request, ProviderCall call, CancellationToken cancellationToken) =>
        RunAsync(request, call, "create", cancellationToken);

    /// <summary>Runs again unless nothing but quiet fields changed (a watched resource was applied and its watched outputs stayed the same, say).</summary>
    public override async Task<ApplyResult> UpdateAsync(ApplyParams request, ProviderCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(call);
        var always = request.Inputs.TryGetProperty("always", out var a) && a.ValueKind == JsonValueKind.True;
        if (!always && request.PriorInputs is { ValueKind: JsonValueKind.Object } prior && request.PriorOutputs is { ValueKind: JsonValueKind.Object } outputs
            && ChangedFields(prior, request.Inputs).All(s_quietFields.Contains))
        {
            var name = HookInputs.Parse(request.Inputs).Describe(request.Id);
            await call.LogAsync("info", $"{name} not run: nothing it runs or watches changed", cancellationToken).ConfigureAwait(false);
            return new ApplyResult(outputs);
        }

        return await RunAsync(request, call, "update", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A hook leaves nothing behind to look at: it exists until deleted.</summary>
    public override Task<ReadResult> ReadAsync(ReadParams request, ProviderCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Task.FromResult(_deleted.ContainsKey(request.Id) ? new ReadResult(false, null, null) : new ReadResult(true, request.Inputs, request.Outputs));
    }

    public override async Task DeleteAsync(DeleteParams request, ProviderCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(call);
        _deleted[request.Id] = 0;
        await call.LogAsync("info", "a hook has nothing to undo; it is forgotten", cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await _ssh.DisposeAsync().ConfigureAwait(false);

    private async Task<ApplyResult> RunAsync(ApplyParams request, ProviderCall call, string action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(call);
        var inputs = HookInputs.Parse(request.Inputs);
        _deleted.TryRemove(request.Id, out _);
        var name = inputs.Describe(request.Id);
        var tail = new Queue<string>();
        var gate = new Lock();
        var ranAt = DateTimeOffset.UtcNow;
        await call.ProgressAsync(inputs.OnNode ? $"running on {inputs.Target}" : "running locally", null, cancellationToken).ConfigureAwait(false);

        int exitCode;
        try
        {
            exitCode = await _execution.RunAsync(inputs, HookEnvironment.For(request.Id, action, inputs), line =>
            {
                lock (gate)
                {
                    tail.Enqueue(line);
                    if (tail.Count > TailLines)
                    {
                        tail.Dequeue();
                    }
                }

                _ = call.LogAsync("info", line, CancellationToken.None);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw Failure($"{name} {e.Message}", tail, gate);
        }
        catch (ProcessFailedException e)
        {
            throw Failure($"{name} could not start: {e.Message}", tail, gate);
        }

        if (inputs.OnNode && exitCode == 124)
        {
            throw Failure($"{name} timed out after {inputs.Timeout.TotalSeconds:0.#} s", tail, gate);
        }

        if (exitCode != 0)
        {
            var where = inputs.OnNode && exitCode == 255 && inputs.Target?.IsLocal != true ? $" (or SSH to {inputs.Target} failed)" : "";
            throw Failure($"{name} failed with exit code {exitCode}{where}", tail, gate);
        }

        return new ApplyResult(Outputs(exitCode, ranAt, Joined(tail, gate)));
    }

    private static bool HasReference(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => value.TryGetProperty("$ref", out _) || value.EnumerateObject().Any(p => HasReference(p.Value)),
        JsonValueKind.Array => value.EnumerateArray().Any(HasReference),
        _ => false,
    };

    private static ResourceFailedException Failure(string message, Queue<string> tail, Lock gate)
    {
        var lines = Joined(tail, gate);
        var text = lines.Length == 0 ? message : $"{message}; its last lines:\n  {lines.Replace("\n", "\n  ", StringComparison.Ordinal)}";

        // No diagnostics besides the message: the engine would print the same text twice.
        return new ResourceFailedException(text, []);
    }

    private static string Joined(Queue<string> tail, Lock gate)
    {
        lock (gate)
        {
            return string.Join('\n', tail);
        }
    }

    private static JsonElement Outputs(int exitCode, DateTimeOffset ranAt, string output)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("exitCode", exitCode);
            writer.WriteString("ranAt", ranAt.ToString("O", CultureInfo.InvariantCulture));
            writer.WriteString("output", output);
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
