using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fleet.Processes;
using Fleet.Protocol;
using Json.Schema;

namespace Fleet.Engine.Providers;

/// <summary>
/// Drives a provider through its whole life (initialize; validate, plan, create, read, plan,
/// update, read, delete, read for each type; an unknown method; shutdown) on raw lines, checking
/// every message against the protocol schema and the type's own schemas, and lists every
/// violation instead of stopping at the first.
/// </summary>
public sealed class ProviderCheck
{
    private readonly ProcessRunner _runner;
    private readonly ProtocolSchema _schema;
    private readonly TimeSpan _timeout;
    private readonly List<string> _steps = [];
    private readonly ConcurrentQueue<string> _violations = new();

    public ProviderCheck(ProcessRunner runner, string protocolSchemaPath, TimeSpan callTimeout)
    {
        _runner = runner;
        _schema = ProtocolSchema.Load(protocolSchemaPath);
        _timeout = callTimeout;
    }

    /// <summary>Runs the check; <paramref name="sampleInputs"/> is inputs, or an object of inputs by type.</summary>
    public async Task<ProviderCheckReport> RunAsync(ImmutableArray<string> command, JsonElement? sampleInputs, CancellationToken cancellationToken)
    {
        if (command.IsDefaultOrEmpty)
        {
            return Report("no command given");
        }

        Process process;
        try
        {
            process = _runner.Start(ProcessSpec.Create(command[0], command.Skip(1)).InOwnSession());
        }
        catch (ProcessFailedException e)
        {
            return Report($"the provider could not be started: {e.Message}");
        }

        using (process)
        {
            var session = new CheckedProviderSession(process, _schema, _timeout, Violation);
            await using (session.ConfigureAwait(false))
            {
                try
                {
                    await DriveAsync(session, sampleInputs, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    _steps.AddRange(session.Steps);
                }
            }
        }

        return Report(null);
    }

    private ProviderCheckReport Report(string? extra)
    {
        if (extra is not null)
        {
            _violations.Enqueue(extra);
        }

        return new ProviderCheckReport([.. _steps], [.. _violations.Distinct(StringComparer.Ordinal)]);
    }

    private void Violation(string text) => _violations.Enqueue(text);

    private async Task DriveAsync(CheckedProviderSession session, JsonElement? sampleInputs, CancellationToken cancellationToken)
    {
        var init = await session.CallAsync(ProtocolMethods.Initialize, new JsonObject { ["engineVersion"] = "check", ["protocolVersion"] = ProtocolMethods.Version }, cancellationToken).ConfigureAwait(false);
        if (init?.Result is not { } initResult)
        {
            Violation("`initialize` did not succeed; nothing else can be checked");
            return;
        }

        InitializeResult info;
        try
        {
            info = initResult.Deserialize(ProtocolJsonContext.Default.InitializeResult)!;
        }
        catch (JsonException e)
        {
            Violation($"`initialize` result cannot be read: {e.Message}");
            return;
        }

        if (info.ProtocolVersion != ProtocolMethods.Version)
        {
            Violation($"`initialize` answered protocolVersion {info.ProtocolVersion}; expected {ProtocolMethods.Version}");
        }

        if (info.ResourceTypes.IsDefaultOrEmpty)
        {
            Violation("`initialize` declares no resource types");
        }

        foreach (var type in info.ResourceTypes.IsDefault ? [] : info.ResourceTypes)
        {
            if (!type.Type.StartsWith(info.Name + ".", StringComparison.Ordinal))
            {
                Violation($"type `{type.Type}` does not start with the provider's name `{info.Name}.`");
            }

            await CheckTypeAsync(session, type, sampleInputs, cancellationToken).ConfigureAwait(false);
        }

        var unknown = await session.CallAsync("fleet/no-such-method", new JsonObject(), cancellationToken, checkSchema: false).ConfigureAwait(false);
        if (unknown is not null && unknown.Error?.Code != JsonRpcErrorCodes.MethodNotFound)
        {
            Violation($"an unknown method must be answered with error {JsonRpcErrorCodes.MethodNotFound}, not {(unknown.Error is { } e ? "error " + e.Code : "a result")}");
        }

        var shutdown = await session.CallAsync(ProtocolMethods.Shutdown, new JsonObject(), cancellationToken).ConfigureAwait(false);
        if (shutdown is not null && !await session.ExitsWithinAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false))
        {
            Violation("the provider did not exit within 5s after `shutdown`");
        }
    }

    private async Task CheckTypeAsync(CheckedProviderSession session, ResourceTypeSchema type, JsonElement? sampleInputs, CancellationToken cancellationToken)
    {
        JsonSchema inputSchema, outputSchema;
        try
        {
            inputSchema = ProtocolSchema.Build(type.Inputs);
            outputSchema = ProtocolSchema.Build(type.Outputs);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException or JsonSchemaException)
        {
            Violation($"type `{type.Type}`: its input or output schema is not a valid JSON Schema: {e.Message}");
            return;
        }

        var inputs = CheckSamples.Inputs(type, sampleInputs);
        foreach (var problem in ProtocolSchema.Check(inputSchema, inputs.Deserialize(ProtocolJsonContext.Default.JsonElement)))
        {
            Violation($"type `{type.Type}`: the sample inputs do not match its input schema at {problem} (give --inputs FILE)");
        }

        var id = "check-" + type.Type.Replace('.', '-');
        JsonNode Common() => new JsonObject { ["id"] = id, ["type"] = type.Type };

        var validate = await session.CallAsync(ProtocolMethods.Validate, With(Common(), ("inputs", inputs)), cancellationToken).ConfigureAwait(false);
        if (validate?.Result is { } validated
            && validated.TryGetProperty("diagnostics", out var diagnostics)
            && diagnostics.ValueKind == JsonValueKind.Array
            && diagnostics.EnumerateArray().Any(d => d.TryGetProperty("severity", out var s) && s.GetString() == Diagnostic.Error))
        {
            Violation($"type `{type.Type}`: `validate` rejects the sample inputs {inputs.ToJsonString()}: {diagnostics.GetRawText()} (give --inputs FILE)");
            return;
        }

        var plan = await session.CallAsync(ProtocolMethods.Plan, With(Common(), ("priorInputs", null), ("priorOutputs", null), ("desiredInputs", inputs)), cancellationToken).ConfigureAwait(false);
        ExpectAction(type, plan, "create", "a new resource");

        var create = await session.CallAsync(ProtocolMethods.Create, With(Common(), ("inputs", inputs)), cancellationToken).ConfigureAwait(false);
        if (create?.Result is not { } created || !created.TryGetProperty("outputs", out var outputs))
        {
            Violation($"type `{type.Type}`: `create` did not succeed; skipping the rest of its life cycle");
            return;
        }

        CheckAgainst(type, "`create` outputs", outputSchema, outputs);
        var outputsNode = JsonNode.Parse(outputs.GetRawText());

        var read = await session.CallAsync(ProtocolMethods.Read, With(Common(), ("inputs", inputs), ("outputs", outputsNode)), cancellationToken).ConfigureAwait(false);
        ExpectExists(type, read, inputSchema, outputSchema, true, "after `create`");

        var noop = await session.CallAsync(ProtocolMethods.Plan, With(Common(), ("priorInputs", inputs), ("priorOutputs", outputsNode), ("desiredInputs", inputs)), cancellationToken).ConfigureAwait(false);
        ExpectAction(type, noop, "noop", "unchanged inputs");

        if (CheckSamples.Changed(inputs, type) is { } changed)
        {
            var changePlan = await session.CallAsync(ProtocolMethods.Plan, With(Common(), ("priorInputs", inputs), ("priorOutputs", outputsNode), ("desiredInputs", changed.Inputs)), cancellationToken).ConfigureAwait(false);
            if (changePlan?.Result is { } planned && planned.TryGetProperty("action", out var action) && action.GetString() == "update")
            {
                var update = await session.CallAsync(ProtocolMethods.Update, With(Common(), ("inputs", changed.Inputs), ("priorInputs", inputs), ("priorOutputs", outputsNode)), cancellationToken).ConfigureAwait(false);
                if (update?.Result is { } updated && updated.TryGetProperty("outputs", out var newOutputs))
                {
                    CheckAgainst(type, "`update` outputs", outputSchema, newOutputs);
                    outputsNode = JsonNode.Parse(newOutputs.GetRawText());
                    inputs = changed.Inputs;
                    var reread = await session.CallAsync(ProtocolMethods.Read, With(Common(), ("inputs", inputs), ("outputs", outputsNode)), cancellationToken).ConfigureAwait(false);
                    if (ExpectExists(type, reread, inputSchema, outputSchema, true, "after `update`") is { } real
                        && real.TryGetProperty(changed.Field, out var realValue)
                        && !JsonNode.DeepEquals(JsonNode.Parse(realValue.GetRawText()), changed.Inputs[changed.Field]))
                    {
                        Violation($"type `{type.Type}`: `read` after `update` reports {changed.Field} = {realValue.GetRawText()}, not the updated value");
                    }
                }
            }
            else if (changePlan?.Result is not null)
            {
                _steps.Add($"{type.Type}: changing `{changed.Field}` plans a replace; update not exercised");
            }
        }

        var delete = await session.CallAsync(ProtocolMethods.Delete, With(Common(), ("inputs", inputs), ("outputs", outputsNode)), cancellationToken).ConfigureAwait(false);
        if (delete?.Result is not null)
        {
            var gone = await session.CallAsync(ProtocolMethods.Read, With(Common(), ("inputs", inputs), ("outputs", outputsNode)), cancellationToken).ConfigureAwait(false);
            ExpectExists(type, gone, inputSchema, outputSchema, false, "after `delete`");
        }
    }

    private void ExpectAction(ResourceTypeSchema type, JsonRpcMessage? plan, string expected, string situation)
    {
        if (plan?.Result is { } result && result.TryGetProperty("action", out var action) && action.GetString() != expected)
        {
            Violation($"type `{type.Type}`: `plan` of {situation} answered `{action.GetString()}`; expected `{expected}`");
        }
    }

    private JsonElement? ExpectExists(ResourceTypeSchema type, JsonRpcMessage? read, JsonSchema inputSchema, JsonSchema outputSchema, bool expected, string when)
    {
        if (read?.Result is not { } result || !result.TryGetProperty("exists", out var exists) || exists.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return null;
        }

        if (exists.GetBoolean() != expected)
        {
            Violation($"type `{type.Type}`: `read` {when} answered exists = {exists.GetBoolean().ToString().ToLowerInvariant()}");
            return null;
        }

        if (!expected)
        {
            return null;
        }

        if (result.TryGetProperty("outputs", out var outputs) && outputs.ValueKind == JsonValueKind.Object)
        {
            CheckAgainst(type, $"`read` outputs {when}", outputSchema, outputs);
        }

        if (result.TryGetProperty("inputs", out var inputs) && inputs.ValueKind == JsonValueKind.Object)
        {
            CheckAgainst(type, $"`read` inputs {when}", inputSchema, inputs);
            return inputs;
        }

        return null;
    }

    private void CheckAgainst(ResourceTypeSchema type, string what, JsonSchema schema, JsonElement value)
    {
        foreach (var problem in ProtocolSchema.Check(schema, value))
        {
            Violation($"type `{type.Type}`: {what} do not match its schema at {problem}");
        }
    }

    private static JsonNode With(JsonNode target, params (string Name, JsonNode? Value)[] members)
    {
        foreach (var (name, value) in members)
        {
            target[name] = value?.DeepClone();
        }

        return target;
    }
}
