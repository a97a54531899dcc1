using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fleet.Nodes;
using Fleet.Processes;
using Fleet.Protocol;

namespace Fleet.Providers.Secrets;

/// <summary>
/// `secret.file`: a file on a node whose content never enters a Nix store, an argv, a log or the
/// state. `text` is a sensitive input (the engine keeps only a keyed hash of it); content from
/// `file` or `command` is read here, on the deployer. Plan compares sha256(salt + content) of the
/// desired content with the digest recorded at upload and the digest the node reports (read), so
/// a changed file, a changed command output, or a file edited or deleted on the node all show.
/// </summary>
public sealed class SecretFileHandler : ResourceHandler, IAsyncDisposable
{
    private static readonly JsonElement s_inputs = ParseJson("""
        {"type":"object","required":["destination"],
         "properties":{
           "name":{"type":"string"},
           "text":{"type":["string","null"]},"file":{"type":["string","null"]},
           "command":{"type":["array","null"],"items":{"type":"string"},"minItems":1},
           "destination":{"type":"string","pattern":"^/","examples":["/run/keys/fleet-provider-check"]},
           "owner":{"type":"string"},"group":{"type":"string"},"mode":{"type":"string","pattern":"^[0-7]{3,4}$"},
           "upload":{"enum":["before-activation","after-activation"]},
           "restartUnits":{"type":"array","items":{"type":"string"}},
           "targetHost":{"type":["string","null"]},"targetPort":{"type":["integer","null"]},"targetUser":{"type":["string","null"]},
           "privilegeEscalationCommand":{"type":"array","items":{"type":"string"},"minItems":1},
           "sshOptions":{"type":"array","items":{"type":"string"}},"hostKey":{"type":["string","null"]}}}
        """);

    private static readonly JsonElement s_outputs = ParseJson("""
        {"type":"object","required":["destination","salt","digest"],
         "properties":{"destination":{"type":"string"},"salt":{"type":"string"},"digest":{"type":"string"},
           "uploadedAt":{"type":["string","null"]},"nodeDigest":{"type":["string","null"]}}}
        """);

    private readonly ProcessRunner _runner = new();
    private readonly SshConnections _ssh = new();
    private readonly SecretContent _content;
    private readonly NodeSecrets _node;

    /// <summary>Content a command printed at plan time, so apply in the same run does not run it again.</summary>
    private readonly ConcurrentDictionary<string, byte[]> _planned = new(StringComparer.Ordinal);

    public SecretFileHandler()
    {
        _content = new SecretContent(_runner);
        _node = new NodeSecrets(_runner, _ssh, new AgentBundle(_runner));
    }

    public override string Type => "secret.file";

    public override JsonElement InputSchema => s_inputs;

    public override JsonElement OutputSchema => s_outputs;

    public override ImmutableArray<string> SensitiveInputs => ["text"];

    public override ImmutableArray<string> ReplaceOnChange => ["destination"];

    public override Task<ValidateResult> ValidateAsync(ValidateParams request, ProviderCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            SecretInputs.Parse(request.Inputs, request.Id);
            return Task.FromResult(new ValidateResult([]));
        }
        catch (ResourceFailedException e)
        {
            return Task.FromResult(new ValidateResult([new Diagnostic("error", e.Message, null)]));
        }
    }

    public override async Task<PlanResult> PlanAsync(PlanParams request, ProviderCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var desired = SecretInputs.Parse(request.DesiredInputs, request.Id);
        if (request.PriorInputs is not { ValueKind: JsonValueKind.Object } prior || request.PriorOutputs is not { } outputs)
        {
            // No reason: the engine's own ("drift: it no longer exists") says more for a deleted file.
            return new PlanResult(PlanAction.Create, [.. request.DesiredInputs.EnumerateObject().Select(p => p.Name)], ["salt", "digest", "uploadedAt"]);
        }

        var changed = ChangedFields(prior, request.DesiredInputs).ToList();
        if (changed.Contains("destination"))
        {
            return new PlanResult(PlanAction.Replace, [.. changed], ["salt", "digest", "uploadedAt"], "destination cannot change in place");
        }

        var salt = JsonFields.String(outputs, "salt") ?? "";
        var content = await _content.ReadAsync(desired, cancellationToken).ConfigureAwait(false);
        if (!desired.Command.IsEmpty)
        {
            _planned[request.Id] = content;
        }

        var digest = SecretContent.Digest(salt, content);
        if (desired.Command.IsEmpty)
        {
            CryptographicOperations.ZeroMemory(content);
        }

        string? reason = null;
        if (digest != JsonFields.String(outputs, "digest"))
        {
            reason = $"new content ({desired.Source})";
            changed.Add("content");
        }
        else if (JsonFields.String(outputs, "nodeDigest") is { } onNode && onNode != digest)
        {
            reason = "drift: the file on the node was changed outside fleet";
            changed.Add("content");
        }

        return changed.Count == 0
            ? new PlanResult(PlanAction.Noop, [], [])
            : new PlanResult(PlanAction.Update, [.. changed.Distinct().Order(StringComparer.Ordinal)], ["digest", "uploadedAt"], reason);
    }

    public override Task<ApplyResult> CreateAsync(ApplyParams request, ProviderCall call, CancellationToken cancellationToken) =>
        UploadAsync(request, call, cancellationToken);

    public override Task<ApplyResult> UpdateAsync(ApplyParams request, ProviderCall call, CancellationToken cancellationToken) =>
        UploadAsync(request, call, cancellationToken);

    public override async Task<ReadResult> ReadAsync(ReadParams request, ProviderCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var inputs = SecretInputs.Parse(Unmasked(request.Inputs), request.Id);
        var salt = JsonFields.String(request.Outputs, "salt") ?? "";
        var found = await _node.StatusAsync(inputs.Target, JsonFields.String(request.Outputs, "destination") ?? inputs.Destination, salt, cancellationToken).ConfigureAwait(false);
        if (!found.Exists)
        {
            return new ReadResult(false);
        }

        // Owner, group and mode as they really are (drift shows as an input diff); the content
        // as the node's digest, which plan compares.
        var real = JsonNode.Parse(request.Inputs.GetRawText())!.AsObject();
        Set(real, "owner", found.Owner, inputs.Owner);
        Set(real, "group", found.Group, inputs.Group);
        Set(real, "mode", found.Mode, NormalMode(inputs.Mode));
        var outputs = JsonNode.Parse(request.Outputs.GetRawText())!.AsObject();
        outputs["nodeDigest"] = found.Digest;
        return new ReadResult(true, ToElement(real), ToElement(outputs));
    }

    public override async Task DeleteAsync(DeleteParams request, ProviderCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(call);
        var inputs = SecretInputs.Parse(Unmasked(request.Inputs), request.Id);
        var destination = JsonFields.String(request.Outputs, "destination") ?? inputs.Destination;
        await _node.RemoveAsync(inputs.Target, destination, cancellationToken).ConfigureAwait(false);
        await call.LogAsync("info", $"removed {destination} from {inputs.Target.Host ?? inputs.Target.Node}", cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await _ssh.DisposeAsync().ConfigureAwait(false);

    private async Task<ApplyResult> UploadAsync(ApplyParams request, ProviderCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(call);
        var inputs = SecretInputs.Parse(request.Inputs, request.Id);
        var salt = (request.PriorOutputs is { } prior ? JsonFields.String(prior, "salt") : null)
            ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        await call.ProgressAsync("reading", null, cancellationToken).ConfigureAwait(false);
        var content = _planned.TryRemove(request.Id, out var planned)
            ? planned
            : await _content.ReadAsync(inputs, cancellationToken).ConfigureAwait(false);
        try
        {
            var digest = SecretContent.Digest(salt, content);
            await call.ProgressAsync("uploading", null, cancellationToken).ConfigureAwait(false);
            var written = await _node.WriteAsync(inputs, ConnectionLoss.NodeName(request.Id), salt, content, cancellationToken).ConfigureAwait(false);
            if (written.Digest != digest)
            {
                throw new ResourceFailedException($"{inputs.Destination} on {inputs.Target.Host ?? inputs.Target.Node} does not hold what was sent (digest mismatch)");
            }

            await call.LogAsync("info", $"uploaded {inputs.Destination} ({content.Length} bytes, {inputs.Owner}:{inputs.Group} {inputs.Mode}) from {inputs.Source}", cancellationToken).ConfigureAwait(false);
            if (written.PendingOwner)
            {
                await call.LogAsync("warn", $"{inputs.Owner}:{inputs.Group} does not exist on {inputs.Target.Host ?? inputs.Target.Node} yet: {inputs.Destination} is root's until the activation creates them", cancellationToken).ConfigureAwait(false);
            }

            if (!inputs.RestartUnits.IsEmpty)
            {
                await call.ProgressAsync("restarting", null, cancellationToken).ConfigureAwait(false);
                if (await _node.RestartAsync(inputs.Target, inputs.RestartUnits, cancellationToken).ConfigureAwait(false) is { } problem)
                {
                    await call.LogAsync("warn", problem, cancellationToken).ConfigureAwait(false);
                }
            }

            return new ApplyResult(ToElement(new JsonObject
            {
                ["destination"] = inputs.Destination,
                ["salt"] = salt,
                ["digest"] = digest,
                ["uploadedAt"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            }));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(content);
        }
    }

    /// <summary>Stored inputs have `text` masked; read and delete need only the other fields.</summary>
    private static JsonElement Unmasked(JsonElement inputs)
    {
        var obj = JsonNode.Parse(inputs.GetRawText())!.AsObject();
        if (obj["text"] is JsonObject)
        {
            obj["text"] = "";
        }

        return ToElement(obj);
    }

    private static void Set(JsonObject obj, string name, string? real, string wanted)
    {
        if (real is not null && real != wanted)
        {
            obj[name] = real;
        }
    }

    private static string NormalMode(string mode) => mode.Length == 3 ? "0" + mode : mode;

    private static JsonElement ToElement(JsonObject obj)
    {
        using var document = JsonDocument.Parse(obj.ToJsonString());
        return document.RootElement.Clone();
    }
}
