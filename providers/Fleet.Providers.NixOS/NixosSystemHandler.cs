using System.Collections.Immutable;
using System.Text.Json;
using Fleet.Nodes;
using Fleet.Processes;
using Fleet.Protocol;

namespace Fleet.Providers.NixOS;

/// <summary>
/// `nixos.system`: a node running the NixOS system its configuration builds. Plan compares the
/// system the node really runs (its fleet-agent's `status`, over SSH) with the one the derivation
/// builds; apply deploys through <see cref="SystemDeployment"/>; delete forgets the node without touching it.
/// </summary>
public sealed class NixosSystemHandler : ResourceHandler, IAsyncDisposable
{
    private static readonly JsonElement s_inputs = ParseJson("""
        {"type":"object","required":["drvPath"],
         "properties":{
           "drvPath":{"type":"string","pattern":"^/nix/store/.+\\.drv$"},
           "systemName":{"type":"string"},
           "targetHost":{"type":["string","null"]},"targetPort":{"type":["integer","null"]},"targetUser":{"type":["string","null"]},
           "privilegeEscalationCommand":{"type":"array","items":{"type":"string"},"minItems":1},"allowLocalDeployment":{"type":"boolean"},
           "sshOptions":{"type":"array","items":{"type":"string"}},"tags":{"type":"array","items":{"type":"string"}},
           "hostKey":{"type":["string","null"]},
           "goal":{"enum":["switch","boot","test","dry-activate","build","push"]},
           "keepResult":{"type":"string"},
           "buildOnTarget":{"type":"boolean"},"substituteOnDestination":{"type":"boolean"},"reboot":{"type":"boolean"},
           "machinesFile":{"type":"string"},"replaceUnknownProfiles":{"type":"boolean"},
           "rollback":{"type":"object","properties":{"onHealthFailure":{"type":"boolean"},"magic":{"type":"boolean"},"confirmTimeout":{"type":"integer","minimum":1}}},
           "healthChecks":{"type":"array","items":{"type":"object","required":["type"]}}}}
        """);

    private static readonly JsonElement s_outputs = ParseJson("""
        {"type":"object","required":["systemPath"],
         "properties":{"systemPath":{"type":["string","null"]},"generation":{"type":["integer","null"]},"previousSystem":{"type":["string","null"]},
           "activatedAt":{"type":["string","null"]},"health":{"type":"string"},"agentPath":{"type":["string","null"]},"bootSystem":{"type":["string","null"]}}}
        """);

    /// <summary>Fields whose change does not need the node redeployed (they only say how to reach or select it).</summary>
    /// How the system is built and copied (run-wide overrides such as `--no-substitute` included) does not change what it is either.
    private static readonly ImmutableHashSet<string> s_metaFields =
        ["tags", "sshOptions", "hostKey", "targetPort", "targetUser", "targetHost", "systemName", "buildOnTarget", "substituteOnDestination", "keepResult",
         "privilegeEscalationCommand", "allowLocalDeployment"];

    private readonly ProcessRunner _runner = new();
    private readonly SshConnections _ssh = new();
    private readonly SystemDeployment _deployment;
    private readonly SystemChangePreview _preview;

    public NixosSystemHandler()
    {
        var agent = new AgentBundle(_runner);
        _deployment = new SystemDeployment(_runner, _ssh, agent);
        _preview = new SystemChangePreview(_runner, _ssh, _deployment, agent);
    }

    public override string Type => "nixos.system";

    public override JsonElement InputSchema => s_inputs;

    public override JsonElement OutputSchema => s_outputs;

    public override async Task<PlanResult> PlanAsync(PlanParams request, ProviderCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(call);
        var desired = SystemInputs.Parse(request.DesiredInputs, request.Id);
        var expected = await _deployment.OutputPathAsync(desired.DrvPath, cancellationToken).ConfigureAwait(false);
        if (request.PriorInputs is not { } prior || request.PriorOutputs is not { } outputs)
        {
            return new PlanResult(
                PlanAction.Create, ["drvPath"], ["generation", "previousSystem", "activatedAt"], desired.LeavesNodeAsItIs ? $"{desired.Goal} {expected}" : $"deploy {expected}",
                desired.LeavesNodeAsItIs || !request.Describe ? null : await _preview.FindAsync(desired, expected, null, request.Detailed, call, cancellationToken).ConfigureAwait(false));
        }

        var changed = ChangedFields(prior, request.DesiredInputs);
        if (desired.LeavesNodeAsItIs)
        {
            return new PlanResult(PlanAction.Update, changed, [], $"{desired.Goal} {expected}");
        }

        var recorded = SystemOutputs.From(outputs);
        if (!GoalCheck.IsMet(desired, expected, recorded?.SystemPath, recorded?.BootSystem))
        {
            var reason = changed.Contains("drvPath") ? $"new system {expected}" : GoalCheck.Why(desired, expected, recorded?.SystemPath, recorded?.BootSystem);
            var system = request.Describe
                ? await _preview.FindAsync(desired, expected, recorded?.SystemPath, request.Detailed, call, cancellationToken).ConfigureAwait(false)
                : null;
            return new PlanResult(PlanAction.Update, changed.Contains("drvPath") ? changed : [.. changed, "systemPath"], ["generation", "previousSystem", "activatedAt"], reason, system);
        }

        var relevant = changed.Where(f => !s_metaFields.Contains(f)).ToImmutableArray();
        return changed.IsEmpty
            ? new PlanResult(PlanAction.Noop, [], [], null)
            : new PlanResult(PlanAction.Update, changed, [], relevant.IsEmpty ? "deployment settings only; the system is unchanged" : null);
    }

    public override async Task<ApplyResult> CreateAsync(ApplyParams request, ProviderCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var inputs = SystemInputs.Parse(request.Inputs, request.Id);
        if (SystemOutputs.From(request.PriorOutputs) is { } prior && inputs.Activates
            && await _deployment.OutputPathAsync(inputs.DrvPath, cancellationToken).ConfigureAwait(false) is var expected
            && GoalCheck.IsMet(inputs, expected, prior.SystemPath, prior.BootSystem))
        {
            // Only how fleet reaches the node changed: check it is reachable and still has what the goal wants.
            var facts = await _deployment.ReadAsync(inputs.Target, prior.AgentPath, cancellationToken).ConfigureAwait(false);
            if (GoalCheck.IsMet(inputs, expected, facts.CurrentSystem, facts.ProfileSystem))
            {
                if (inputs.KeepResult is not null && !inputs.BuildOnTarget)
                {
                    // --keep-result on a node that already runs its system: the root is still made.
                    await _deployment.RealiseHereAsync(inputs, call, cancellationToken).ConfigureAwait(false);
                }

                return new ApplyResult(prior.With(facts).ToJson());
            }
        }

        return new ApplyResult(await _deployment.DeployAsync(inputs, request.PriorOutputs, call, cancellationToken).ConfigureAwait(false));
    }

    public override Task<ApplyResult> UpdateAsync(ApplyParams request, ProviderCall call, CancellationToken cancellationToken) =>
        CreateAsync(request, call, cancellationToken);

    public override async Task<ReadResult> ReadAsync(ReadParams request, ProviderCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var inputs = SystemInputs.Parse(request.Inputs, request.Id);
        var facts = await _deployment.ReadAsync(inputs.Target, SystemOutputs.From(request.Outputs)?.AgentPath, cancellationToken).ConfigureAwait(false);
        var outputs = JsonSerializer.Deserialize(request.Outputs.GetRawText(), NixosJsonContext.Default.DictionaryStringJsonElement) ?? [];
        outputs["systemPath"] = JsonSerializer.SerializeToElement(facts.CurrentSystem, NixosJsonContext.Default.String);
        outputs["generation"] = JsonSerializer.SerializeToElement(facts.Generation, NixosJsonContext.Default.NullableInt32);
        outputs["bootSystem"] = JsonSerializer.SerializeToElement(facts.ProfileSystem, NixosJsonContext.Default.String);
        return new ReadResult(true, request.Inputs, JsonSerializer.SerializeToElement(outputs, NixosJsonContext.Default.DictionaryStringJsonElement));
    }

    public override async Task DeleteAsync(DeleteParams request, ProviderCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(call);
        var host = JsonFields.String(request.Inputs, "targetHost") ?? request.Id;
        await call.LogAsync("info", $"forgetting {host}: fleet no longer manages it; the node keeps running its current system", cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _ssh.DisposeAsync().ConfigureAwait(false);
        SystemDeployment.ReleaseGcRoots();
    }
}
