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
public sealed class ProviderCheck : IDisposable
{
    private readonly ProcessRunner _runner;
    private readonly ProtocolSchema _schema;
    private readonly TimeSpan _timeout;
    private readonly List<string> _steps = [];
    private readonly ConcurrentQueue<string> _violations = new();
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonRpcMessage>> _pending = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private long _nextId;
    private Process? _process;
    private JsonRpcLineWriter? _writer;
    private Task? _stdoutLoop;

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

        try
        {
            _process = _runner.Start(ProcessSpec.Create(command[0], command.Skip(1)));
        }
        catch (ProcessFailedException e)
        {
            return Report($"the provider could not be started: {e.Message}");
        }

        _writer = new JsonRpcLineWriter(_process.StandardInput.BaseStream);
        _stdoutLoop = Task.Run(() => ReadStandardOutputAsync(_process), CancellationToken.None);
        var stderrLoop = Task.Run(() => ReadStandardErrorAsync(_process), CancellationToken.None);
        try
        {
            await DriveAsync(sampleInputs, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            try
            {
                _process.StandardInput.Close();
            }
            catch (IOException)
            {
            }

            await ProcessRunner.StopAsync(_process, TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            await Task.WhenAll(_stdoutLoop, stderrLoop).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _writer.Dispose();
            _process.Dispose();
        }

        return Report(null);
    }

    public void Dispose() => _writer?.Dispose();

    private ProviderCheckReport Report(string? extra)
    {
        if (extra is not null)
        {
            _violations.Enqueue(extra);
        }

        return new ProviderCheckReport([.. _steps], [.. _violations.Distinct(StringComparer.Ordinal)]);
    }

    private void Violation(string text) => _violations.Enqueue(text);

    private async Task DriveAsync(JsonElement? sampleInputs, CancellationToken cancellationToken)
    {
        var init = await CallAsync(ProtocolMethods.Initialize, new JsonObject { ["engineVersion"] = "check", ["protocolVersion"] = ProtocolMethods.Version }, cancellationToken).ConfigureAwait(false);
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

            await CheckTypeAsync(type, sampleInputs, cancellationToken).ConfigureAwait(false);
        }

        var unknown = await CallAsync("fleet/no-such-method", new JsonObject(), cancellationToken, checkSchema: false).ConfigureAwait(false);
        if (unknown is not null && unknown.Error?.Code != JsonRpcErrorCodes.MethodNotFound)
        {
            Violation($"an unknown method must be answered with error {JsonRpcErrorCodes.MethodNotFound}, not {(unknown.Error is { } e ? "error " + e.Code : "a result")}");
        }

        var shutdown = await CallAsync(ProtocolMethods.Shutdown, new JsonObject(), cancellationToken).ConfigureAwait(false);
        if (shutdown is not null && _process is { } process)
        {
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await process.WaitForExitAsync(exit.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (!process.HasExited)
            {
                Violation("the provider did not exit within 5s after `shutdown`");
            }
        }
    }

    private async Task CheckTypeAsync(ResourceTypeSchema type, JsonElement? sampleInputs, CancellationToken cancellationToken)
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

        var inputs = SampleInputs(type, sampleInputs);
        foreach (var problem in ProtocolSchema.Check(inputSchema, inputs.Deserialize(ProtocolJsonContext.Default.JsonElement)))
        {
            Violation($"type `{type.Type}`: the sample inputs do not match its input schema at {problem} (give --inputs FILE)");
        }

        var id = "check-" + type.Type.Replace('.', '-');
        JsonNode Common() => new JsonObject { ["id"] = id, ["type"] = type.Type };

        var validate = await CallAsync(ProtocolMethods.Validate, With(Common(), ("inputs", inputs)), cancellationToken).ConfigureAwait(false);
        if (validate?.Result is { } validated
            && validated.TryGetProperty("diagnostics", out var diagnostics)
            && diagnostics.ValueKind == JsonValueKind.Array
            && diagnostics.EnumerateArray().Any(d => d.TryGetProperty("severity", out var s) && s.GetString() == Diagnostic.Error))
        {
            Violation($"type `{type.Type}`: `validate` rejects the sample inputs {inputs.ToJsonString()}: {diagnostics.GetRawText()} (give --inputs FILE)");
            return;
        }

        var plan = await CallAsync(ProtocolMethods.Plan, With(Common(), ("priorInputs", null), ("priorOutputs", null), ("desiredInputs", inputs)), cancellationToken).ConfigureAwait(false);
        ExpectAction(type, plan, "create", "a new resource");

        var create = await CallAsync(ProtocolMethods.Create, With(Common(), ("inputs", inputs)), cancellationToken).ConfigureAwait(false);
        if (create?.Result is not { } created || !created.TryGetProperty("outputs", out var outputs))
        {
            Violation($"type `{type.Type}`: `create` did not succeed; skipping the rest of its life cycle");
            return;
        }

        CheckAgainst(type, "`create` outputs", outputSchema, outputs);
        var outputsNode = JsonNode.Parse(outputs.GetRawText());

        var read = await CallAsync(ProtocolMethods.Read, With(Common(), ("inputs", inputs), ("outputs", outputsNode)), cancellationToken).ConfigureAwait(false);
        ExpectExists(type, read, inputSchema, outputSchema, true, "after `create`");

        var noop = await CallAsync(ProtocolMethods.Plan, With(Common(), ("priorInputs", inputs), ("priorOutputs", outputsNode), ("desiredInputs", inputs)), cancellationToken).ConfigureAwait(false);
        ExpectAction(type, noop, "noop", "unchanged inputs");

        if (Changed(inputs, type) is { } changed)
        {
            var changePlan = await CallAsync(ProtocolMethods.Plan, With(Common(), ("priorInputs", inputs), ("priorOutputs", outputsNode), ("desiredInputs", changed.Inputs)), cancellationToken).ConfigureAwait(false);
            if (changePlan?.Result is { } planned && planned.TryGetProperty("action", out var action) && action.GetString() == "update")
            {
                var update = await CallAsync(ProtocolMethods.Update, With(Common(), ("inputs", changed.Inputs), ("priorInputs", inputs), ("priorOutputs", outputsNode)), cancellationToken).ConfigureAwait(false);
                if (update?.Result is { } updated && updated.TryGetProperty("outputs", out var newOutputs))
                {
                    CheckAgainst(type, "`update` outputs", outputSchema, newOutputs);
                    outputsNode = JsonNode.Parse(newOutputs.GetRawText());
                    inputs = changed.Inputs;
                    var reread = await CallAsync(ProtocolMethods.Read, With(Common(), ("inputs", inputs), ("outputs", outputsNode)), cancellationToken).ConfigureAwait(false);
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

        var delete = await CallAsync(ProtocolMethods.Delete, With(Common(), ("inputs", inputs), ("outputs", outputsNode)), cancellationToken).ConfigureAwait(false);
        if (delete?.Result is not null)
        {
            var gone = await CallAsync(ProtocolMethods.Read, With(Common(), ("inputs", inputs), ("outputs", outputsNode)), cancellationToken).ConfigureAwait(false);
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

    private static JsonObject SampleInputs(ResourceTypeSchema type, JsonElement? given)
    {
        if (given is { ValueKind: JsonValueKind.Object } file)
        {
            var chosen = file.TryGetProperty(type.Type, out var forType) && forType.ValueKind == JsonValueKind.Object ? forType : file;
            return (JsonObject)JsonNode.Parse(chosen.GetRawText())!;
        }

        return SampleValue(type.Inputs, "") as JsonObject ?? [];
    }

    /// <summary>A value that satisfies simple schemas: required properties, defaults, examples, enums, lengths.</summary>
    private static JsonNode? SampleValue(JsonElement schema, string name)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var keyword in new[] { "const", "default" })
        {
            if (schema.TryGetProperty(keyword, out var fixedValue))
            {
                return JsonNode.Parse(fixedValue.GetRawText());
            }
        }

        if ((schema.TryGetProperty("examples", out var choices) || schema.TryGetProperty("enum", out choices))
            && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0)
        {
            return JsonNode.Parse(choices[0].GetRawText());
        }

        var kind = schema.TryGetProperty("type", out var t)
            ? (t.ValueKind == JsonValueKind.Array ? t.EnumerateArray().Select(x => x.GetString()).FirstOrDefault(x => x != "null") : t.GetString())
            : schema.TryGetProperty("properties", out _) ? "object" : "string";
        switch (kind)
        {
            case "object":
                var result = new JsonObject();
                if (schema.TryGetProperty("properties", out var properties))
                {
                    var required = schema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(x => x.GetString()).ToHashSet(StringComparer.Ordinal) : [];
                    foreach (var property in properties.EnumerateObject().Where(p => required.Contains(p.Name)))
                    {
                        result[property.Name] = SampleValue(property.Value, property.Name);
                    }
                }

                return result;
            case "array":
                return new JsonArray();
            case "integer":
            case "number":
                return schema.TryGetProperty("minimum", out var min) ? JsonNode.Parse(min.GetRawText()) : JsonValue.Create(1);
            case "boolean":
                return JsonValue.Create(true);
            default:
                if (name.Contains("path", StringComparison.OrdinalIgnoreCase) || name.Contains("file", StringComparison.OrdinalIgnoreCase))
                {
                    return JsonValue.Create(Path.Combine(Path.GetTempPath(), "fleet-provider-check-" + Guid.NewGuid().ToString("N"), name + ".txt"));
                }

                var length = schema.TryGetProperty("minLength", out var minLength) ? minLength.GetInt32() : 0;
                var text = "fleet check " + name;
                return JsonValue.Create(text.Length >= length ? text : text.PadRight(length, 'x'));
        }
    }

    /// <summary>The sample with one plain string input changed (not a path-like one), to exercise update.</summary>
    private static (JsonObject Inputs, string Field)? Changed(JsonObject inputs, ResourceTypeSchema type)
    {
        var field = inputs
            .Where(p => p.Value is JsonValue v && v.GetValueKind() == JsonValueKind.String)
            .Select(p => p.Key)
            .Where(k => !k.Contains("path", StringComparison.OrdinalIgnoreCase) && !k.Contains("name", StringComparison.OrdinalIgnoreCase))
            .Where(k => !(type.Inputs.TryGetProperty("properties", out var ps) && ps.TryGetProperty(k, out var p) && (p.TryGetProperty("enum", out _) || p.TryGetProperty("pattern", out _))))
            .FirstOrDefault();
        if (field is null)
        {
            return null;
        }

        var copy = (JsonObject)inputs.DeepClone();
        copy[field] = inputs[field]!.GetValue<string>() + " (changed)";
        return (copy, field);
    }

    private async Task<JsonRpcMessage?> CallAsync(string method, JsonNode parameters, CancellationToken cancellationToken, bool checkSchema = true)
    {
        _steps.Add(method);
        var id = Interlocked.Increment(ref _nextId);
        var completion = new TaskCompletionSource<JsonRpcMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = completion;
        using var document = JsonDocument.Parse(parameters.ToJsonString());
        try
        {
            await _writer!.WriteAsync(JsonRpcMessage.Request(id, method, document.RootElement.Clone()), cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
        }

        var ended = _stdoutLoop!;
        var winner = await Task.WhenAny(completion.Task, ended, Task.Delay(_timeout, cancellationToken)).ConfigureAwait(false);
        _pending.TryRemove(id, out _);
        if (winner != completion.Task)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (winner == ended)
            {
                var code = _process!.WaitForExit(2000) ? $"exit code {_process.ExitCode}" : "still running";
                Violation($"the provider closed stdout ({code}) before answering `{method}`{StderrTail()}");
            }
            else
            {
                Violation($"no answer to `{method}` within {_timeout.TotalSeconds:0.#}s");
            }

            return null;
        }

        var response = completion.Task.Result;
        if (response.Error is { } error)
        {
            if (error.Code == JsonRpcErrorCodes.MethodNotFound && checkSchema)
            {
                Violation($"the provider does not implement `{method}` ({error.Message})");
            }
            else if (checkSchema)
            {
                Violation($"`{method}` failed with error {error.Code}: {error.Message}");
            }

            return response;
        }

        var definition = method + "Result";
        if (checkSchema && response.Result is { } result && _schema.HasDefinition(definition))
        {
            foreach (var problem in _schema.CheckDefinition(definition, result))
            {
                Violation($"`{method}` result does not match the protocol at {problem}");
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
                Violation($"stdout line {number} is not a JSON-RPC message ({e.Message}): {(line.Length > 120 ? line[..120] + "…" : line)}");
                continue;
            }

            foreach (var problem in _schema.CheckMessage(raw))
            {
                Violation($"stdout line {number} does not match the protocol envelope at {problem}");
            }

            if (message.IsResponse)
            {
                if (message.NumericId is { } id && _pending.TryGetValue(id, out var completion))
                {
                    completion.TrySetResult(message);
                }
                else
                {
                    Violation($"stdout line {number} answers id {message.Id?.GetRawText() ?? "null"}, which no request had{(message.Error is { } e ? $" (error {e.Code}: {e.Message})" : "")}");
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
                    Violation($"stdout line {number}: `{message.Method}` is not a provider notification");
                }
                else
                {
                    using var document = JsonDocument.Parse(message.Params?.GetRawText() ?? "null");
                    foreach (var problem in _schema.CheckDefinition(definition, document.RootElement))
                    {
                        Violation($"stdout line {number}: `{message.Method}` params do not match the protocol at {problem}");
                    }
                }
            }
            else
            {
                Violation($"stdout line {number}: providers send no requests, but this is a `{message.Method}` request");
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
