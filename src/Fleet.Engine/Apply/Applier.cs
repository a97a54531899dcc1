using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.Json;
using Fleet.Engine.Planning;
using Fleet.Engine.Providers;
using Fleet.Protocol;
using Fleet.State;

namespace Fleet.Engine.Apply;

/// <summary>
/// Makes a plan real: changes run in dependency order with bounded parallelism, references are
/// resolved from outputs applied earlier in the run (or from state), and state is written after
/// each resource, so an interrupted run leaves state true to what was done.
/// </summary>
public sealed class Applier
{
    private readonly StateStore _state;
    private readonly ProviderRegistry _providers;
    private readonly Action<FleetEvent> _publish;

    public Applier(StateStore state, ProviderRegistry providers, Action<FleetEvent> publish)
    {
        _state = state;
        _providers = providers;
        _publish = publish;
    }

    public int Parallelism { get; init; } = 10;

    /// <summary>
    /// The graph as configured, when the applied one carries settings for this run only (`--goal`,
    /// `--reboot`, `--keep-result`, ...): providers get the applied inputs, the state records these,
    /// so a one-run setting never shows as drift in the next plan. Null records the applied inputs.
    /// </summary>
    public Graph.ResourceGraph? Configured { get; init; }

    /// <summary>
    /// False for a run that leaves every resource as it was (goals build, push, dry-activate):
    /// no resource's row is written, not even marked failed; only the run's history is.
    /// </summary>
    public bool RecordsResources { get; init; } = true;

    /// <param name="stopStarting">Cancelled on the first Ctrl-C: nothing new starts, running steps end.</param>
    /// <param name="abort">Cancelled on the second Ctrl-C: running provider calls are cancelled too.</param>
    public async Task<ApplyReport> ApplyAsync(Plan plan, Graph.ResourceGraph graph, long runId, CancellationToken stopStarting, CancellationToken abort)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(graph);
        var changes = plan.Changes.ToDictionary(c => c.Id, StringComparer.Ordinal);
        var outputs = new ConcurrentDictionary<string, JsonElement>(StringComparer.Ordinal);
        var errors = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var stored = await _state.LoadResourcesAsync(abort).ConfigureAwait(false);

        var outcomes = await new DagScheduler(Parallelism).RunAsync(plan.WaitsFor, async id =>
        {
            var change = changes[id];
            if (!change.IsChange)
            {
                if (!RecordsResources)
                {
                    return true;
                }

                await RecordDependenciesAsync(id, graph, stored).ConfigureAwait(false);
                return true;
            }

            Publish(FleetEventKind.ResourceStarted, change, e => e with { Action = PlanJson.Name(change.Action) });
            await _state.AppendEventAsync(runId, id, "started", PlanJson.Name(change.Action), CancellationToken.None).ConfigureAwait(false);
            try
            {
                await ApplyChangeAsync(change, graph.Resources.GetValueOrDefault(id), stored, outputs, runId, abort).ConfigureAwait(false);
                Publish(FleetEventKind.ResourceFinished, change, e => e with { Outcome = "succeeded", Action = PlanJson.Name(change.Action) });
                await _state.AppendEventAsync(runId, id, "succeeded", PlanJson.Name(change.Action), CancellationToken.None).ConfigureAwait(false);
                return true;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                var message = e is OperationCanceledException ? "interrupted" : e.Message;
                errors[id] = message;
                Publish(FleetEventKind.ResourceFinished, change, ev => ev with { Outcome = "failed", Text = message, Action = PlanJson.Name(change.Action) });
                await _state.AppendEventAsync(runId, id, "failed", message, CancellationToken.None).ConfigureAwait(false);
                return false;
            }
        }, stopStarting).ConfigureAwait(false);

        foreach (var (id, outcome) in outcomes.Where(o => o.Value is StepOutcome.Skipped or StepOutcome.NotStarted && changes[o.Key].IsChange))
        {
            var why = outcome != StepOutcome.Skipped ? "not started: interrupted"
                : changes[id].Action == PlanAction.Delete ? "skipped: kept, because something that depended on it was not changed or deleted"
                : "skipped: a dependency failed";
            Publish(FleetEventKind.ResourceFinished, changes[id], e => e with { Outcome = outcome == StepOutcome.Skipped ? "skipped" : "not-started", Text = why });
            await _state.AppendEventAsync(runId, id, outcome == StepOutcome.Skipped ? "skipped" : "not-started", why, CancellationToken.None).ConfigureAwait(false);
        }

        outcomes = await MarkNodesFailedAsync(outcomes, graph, errors, runId).ConfigureAwait(false);
        return new ApplyReport(outcomes, errors.ToImmutableSortedDictionary(StringComparer.Ordinal));
    }

    /// <summary>
    /// A node-owned resource that runs after its node's system (`dependsOn` node.NAME, like a
    /// post-activation hook) and failed leaves the node short of what it declares: the node's
    /// state row is marked failed (so the next plan retries it) and the report counts it failed.
    /// </summary>
    private async Task<ImmutableSortedDictionary<string, StepOutcome>> MarkNodesFailedAsync(
        ImmutableSortedDictionary<string, StepOutcome> outcomes,
        Graph.ResourceGraph graph,
        ConcurrentDictionary<string, string> errors,
        long runId)
    {
        foreach (var id in outcomes.Where(o => o.Value == StepOutcome.Failed && RecordsResources).Select(o => o.Key).ToList())
        {
            if (graph.Resources.GetValueOrDefault(id) is not { Node: { } node } resource)
            {
                continue;
            }

            var system = $"node.{node}";
            if (system == id || !resource.DependsOn.Contains(system) || await _state.GetAsync(system, CancellationToken.None).ConfigureAwait(false) is not { } row)
            {
                continue;
            }

            var message = $"marked failed: {id}, which runs after its activation, failed";
            await MarkFailedAsync(row, runId).ConfigureAwait(false);
            errors.TryAdd(system, message);
            outcomes = outcomes.SetItem(system, StepOutcome.Failed);
            _publish(FleetEvent.Now(FleetEventKind.ResourceFinished) with { Resource = system, Node = node, Outcome = "failed", Text = message });
            await _state.AppendEventAsync(runId, system, "failed", message, CancellationToken.None).ConfigureAwait(false);
        }

        return outcomes;
    }

    private async Task ApplyChangeAsync(
        PlannedChange change,
        Graph.Resource? resource,
        ImmutableSortedDictionary<string, ResourceState> stored,
        ConcurrentDictionary<string, JsonElement> outputs,
        long runId,
        CancellationToken cancellationToken)
    {
        var prior = stored.GetValueOrDefault(change.Id);
        var provider = Graph.Resource.ProviderOf(change.Type);
        var client = await _providers.GetAsync(provider, cancellationToken).ConfigureAwait(false);
        var schema = await _providers.GetSchemaAsync(change.Type, cancellationToken).ConfigureAwait(false);
        var now = DateTimeOffset.UtcNow;

        if (change.Action is PlanAction.Delete or PlanAction.Replace && prior is not null)
        {
            await client.DeleteAsync(new DeleteParams(change.Id, change.Type, prior.Inputs, prior.Outputs), cancellationToken).ConfigureAwait(false);
            await _state.RemoveAsync(change.Id, CancellationToken.None).ConfigureAwait(false);
        }

        if (change.Action == PlanAction.Delete)
        {
            return;
        }

        var desired = DesiredInputs(change, resource, stored, outputs);
        var dependencies = Graph.ResourceGraph.DependenciesOf(resource!);
        ApplyResult result;
        try
        {
            result = change.Action == PlanAction.Update && prior is not null
                ? await client.UpdateAsync(new ApplyParams(change.Id, change.Type, desired, prior.Inputs, prior.Outputs), cancellationToken).ConfigureAwait(false)
                : await client.CreateAsync(new ApplyParams(change.Id, change.Type, desired), cancellationToken).ConfigureAwait(false);
        }
        catch when (change.Action == PlanAction.Update && prior is not null && RecordsResources)
        {
            // The old row stays, marked failed, so the next plan retries it. Half updated, the
            // resource may use its old dependencies or its new ones: a later delete waits for both.
            var either = prior.Dependencies.Union(dependencies, StringComparer.Ordinal).Order(StringComparer.Ordinal);
            await MarkFailedAsync(prior with { Dependencies = [.. either] }, runId).ConfigureAwait(false);
            throw;
        }

        outputs[change.Id] = result.Outputs;
        if (!RecordsResources)
        {
            return;
        }

        var recorded = Configured?.Resources.GetValueOrDefault(change.Id) is { } configured ? DesiredInputs(change, configured, stored, outputs) : desired;
        await _state.PutAsync(
            new ResourceState(
                change.Id,
                change.Type,
                provider,
                change.Node,
                _state.Sensitive.Mask(recorded, schema.SensitiveInputs),
                _state.Sensitive.Mask(result.Outputs, schema.SensitiveOutputs),
                ResourceStatus.Ready,
                prior?.CreatedAt ?? now,
                DateTimeOffset.UtcNow,
                runId)
            {
                Dependencies = dependencies,
            },
            CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>
    /// An unchanged resource whose dependencies moved (only its `dependsOn` was edited, or its row
    /// predates recorded dependencies) gets them recorded, so later deletes wait on what is true.
    /// </summary>
    private async Task RecordDependenciesAsync(string id, Graph.ResourceGraph graph, ImmutableSortedDictionary<string, ResourceState> stored)
    {
        if (graph.Resources.GetValueOrDefault(id) is { } resource && stored.GetValueOrDefault(id) is { } row
            && Graph.ResourceGraph.DependenciesOf(resource) is var dependencies && !row.Dependencies.SequenceEqual(dependencies))
        {
            await _state.PutAsync(row with { Dependencies = dependencies }, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The graph's inputs (never the plan's, whose sensitive fields are masked) with every
    /// reference resolved from this run's outputs, else from the state as the run found it (a
    /// resource not applied in this run still has the outputs it had then).
    /// </summary>
    private static JsonElement DesiredInputs(
        PlannedChange change,
        Graph.Resource? resource,
        ImmutableSortedDictionary<string, ResourceState> stored,
        ConcurrentDictionary<string, JsonElement> outputs)
    {
        var inputs = resource?.Inputs ?? throw new InvalidOperationException($"{change.Id} is not in the fleet's graph");
        if (!References.UnresolvedFields(inputs).Any())
        {
            return inputs;
        }

        var resolved = References.Resolve(change.Id, inputs, id =>
            outputs.TryGetValue(id, out var o) ? o : stored.TryGetValue(id, out var s) ? s.Outputs : null, out var complete);
        return complete
            ? resolved
            : throw new Errors.FleetException($"{change.Id}: a referenced resource has no outputs yet (apply it first, or drop --on/--target)");
    }

    /// <summary>Keeps a resource's row but marks it failed, so the next plan retries it.</summary>
    private Task MarkFailedAsync(ResourceState row, long runId) =>
        _state.PutAsync(row with { Status = ResourceStatus.Failed, UpdatedAt = DateTimeOffset.UtcNow, LastRunId = runId }, CancellationToken.None);

    private void Publish(FleetEventKind kind, PlannedChange change, Func<FleetEvent, FleetEvent> fill) =>
        _publish(fill(FleetEvent.Now(kind) with { Resource = change.Id, Node = change.Node }));
}
