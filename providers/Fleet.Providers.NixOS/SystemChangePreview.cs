using System.Collections.Immutable;
using Fleet.Nodes;
using Fleet.Processes;
using Fleet.Protocol;

namespace Fleet.Providers.NixOS;

/// <summary>
/// What a planned change of a node's system does (<see cref="SystemChange"/>): the closure diff
/// and the reboot check are computed here when both systems are in this deployer's store (the new
/// one is built here first, unless it is built on its node); with
/// `fleet plan --detailed` the new system is built and copied to the node with the agent, whose
/// `preview` runs switch-to-configuration dry-activate (the units) and computes what this store
/// cannot (a running system it lacks). Nothing is activated, recorded or changed on the node but
/// its store; a part that cannot be found out is left out with a note, never failing the plan.
/// </summary>
public sealed class SystemChangePreview
{
    private const string NotBuilt = "the new system is built on the node (buildOnTarget): `fleet plan --detailed` builds it there and shows its closure diff and whether it needs a reboot";
    private readonly ProcessRunner _runner;
    private readonly SystemDeployment _deployment;
    private readonly SudoAccess _sudo;
    private readonly AgentBundle _agent;

    public SystemChangePreview(ProcessRunner runner, SshConnections ssh, SystemDeployment deployment, AgentBundle agent)
    {
        _runner = runner;
        _deployment = deployment;
        _agent = agent;
        _sudo = new SudoAccess(runner, ssh);
    }

    /// <param name="current">What the node runs now, as the refreshed state says (null: unknown or nothing).</param>
    public async Task<SystemChange> FindAsync(SystemInputs inputs, string expected, string? current, bool detailed, ProviderCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return detailed
                ? await DetailedAsync(inputs, expected, current, call, cancellationToken).ConfigureAwait(false)
                : await HereAsync(inputs, expected, current, call, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ResourceFailedException or ProcessFailedException or InvalidDataException or IOException)
        {
            return new SystemChange(current, expected) { Notes = [$"could not find out what the change does: {e.Message}"] };
        }
    }

    /// <summary>
    /// From this deployer's store alone. A system built here is built now, as apply would build
    /// it (so apply finds it done): the closure diff is what an operator plans on. A system built
    /// on its node is not built by a plan; `--detailed` does that.
    /// </summary>
    private async Task<SystemChange> HereAsync(SystemInputs inputs, string expected, string? current, ProviderCall call, CancellationToken cancellationToken)
    {
        var store = new ClosureReader(_runner);
        if (!await store.HasAsync(expected, cancellationToken).ConfigureAwait(false))
        {
            if (inputs.BuildOnTarget)
            {
                return new SystemChange(current, expected) { Notes = [NotBuilt] };
            }

            await using var heartbeat = call.KeepAlive();
            await call.ProgressAsync("building", null, cancellationToken).ConfigureAwait(false);
            await _deployment.RealiseAsync(inputs with { KeepResult = null }, call, cancellationToken).ConfigureAwait(false);
        }

        if (current is null)
        {
            return new SystemChange(null, expected) { Notes = ["what the node runs is not known yet: `fleet plan --detailed` asks the node"] };
        }

        if (!await store.HasAsync(current, cancellationToken).ConfigureAwait(false))
        {
            return new SystemChange(current, expected)
            {
                Notes = ["the system the node runs is not in this deployer's store: the closure diff and the reboot check need `fleet plan --detailed`"],
            };
        }

        return await CompareHereAsync(store, current, expected, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<SystemChange> CompareHereAsync(ClosureReader store, string current, string expected, CancellationToken cancellationToken)
    {
        var before = await store.ReadAsync(current, cancellationToken).ConfigureAwait(false);
        var after = await store.ReadAsync(expected, cancellationToken).ConfigureAwait(false);
        return new SystemChange(current, expected, ClosureDiffer.Compute(before, after, "deployer"), BootParts.Compare(current, expected));
    }

    /// <summary>Builds, copies the closure and the agent to the node, and asks the agent.</summary>
    private async Task<SystemChange> DetailedAsync(SystemInputs inputs, string expected, string? current, ProviderCall call, CancellationToken cancellationToken)
    {
        var target = inputs.Target;
        if (target.Host is null && !target.IsLocal)
        {
            throw target.NoHost();
        }

        // Building and copying can be quiet for long: beats keep the plan call alive.
        await using var heartbeat = call.KeepAlive();
        // A plan leaves no --keep-result root: the run's own root holds the build until it ends.
        var plain = inputs with { KeepResult = null };
        await call.ProgressAsync("building", null, cancellationToken).ConfigureAwait(false);
        var system = await _deployment.RealiseAsync(plain, call, cancellationToken).ConfigureAwait(false);
        var agent = await _agent.StorePathAsync(cancellationToken).ConfigureAwait(false);
        await call.ProgressAsync("copying", null, cancellationToken).ConfigureAwait(false);
        await _deployment.CopyAsync(target, inputs.BuildOnTarget ? [agent] : [system, agent], inputs.SubstituteOnDestination, call, cancellationToken).ConfigureAwait(false);
        await _sudo.ProbeAsync(target, AgentBundle.Executable(agent), call.Credentials, cancellationToken).ConfigureAwait(false);

        // The closure diff is computed here when this store has both systems, else by the node.
        var store = new ClosureReader(_runner);
        SystemChange? here = null;
        if (current is not null && await store.HasAsync(system, cancellationToken).ConfigureAwait(false)
            && await store.HasAsync(current, cancellationToken).ConfigureAwait(false))
        {
            here = await CompareHereAsync(store, current, system, cancellationToken).ConfigureAwait(false);
        }

        await call.ProgressAsync("previewing", null, cancellationToken).ConfigureAwait(false);
        var spec = _sudo.Agent(target, agent, SystemPreview.Arguments(system, closure: here is null, units: true));
        var result = await _runner.RunAsync(spec, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode == 255 && !target.IsLocal)
        {
            throw SystemDeployment.Unreachable(target, result);
        }

        if (!result.Succeeded || SystemPreview.FromJson(result.StandardOutput) is not { } preview)
        {
            throw new ResourceFailedException($"fleet-agent preview on {target} failed (exit {result.ExitCode}): {ProcessResult.LastLine(result.StandardError + result.StandardOutput)}");
        }

        foreach (var line in preview.Output)
        {
            await call.LogAsync("debug", "dry-activate: " + line, cancellationToken).ConfigureAwait(false);
        }

        var node = preview.Change;
        var notes = ImmutableArray.CreateBuilder<string>();
        if (current is not null && node.Current is not null && node.Current != current)
        {
            notes.Add($"the node runs {node.Current} (not {current}, as fleet's state says)");
        }

        notes.AddRange(node.Notes);
        if (inputs.Goal == "boot")
        {
            notes.Add("goal boot: nothing is activated now; these units change when the node next boots");
        }

        return (here is not null && node.Current == current
            ? here with { Units = node.Units }
            : node with { New = system }) with { Notes = notes.ToImmutable() };
    }
}
