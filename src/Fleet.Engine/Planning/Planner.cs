using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fleet.Engine.Apply;
using Fleet.Engine.Graph;
using Fleet.Engine.Providers;
using Fleet.Protocol;
using Fleet.State;

namespace Fleet.Engine.Planning;

/// <summary>
/// Computes a plan: refreshes what state says against what providers find (drift), then asks
/// each resource's provider what applying the desired inputs would do, in dependency order so a
/// reference to a resource that changes is known to be "known after apply".
/// </summary>
public sealed class Planner
{
    private const int PlanParallelism = 32;
    private readonly StateStore _state;
    private readonly ProviderRegistry _providers;

    public Planner(StateStore state, ProviderRegistry providers)
    {
        _state = state;
        _providers = providers;
    }

    public bool Refresh { get; init; } = true;

    /// <summary>`fleet plan`: providers say what each change does (see <see cref="PlanParams.Describe"/>); apply's plans do not ask.</summary>
    public bool Describe { get; init; }

    /// <summary>`fleet plan --detailed`: providers may build and copy to say more about each change (see <see cref="PlanParams.Detailed"/>).</summary>
    public bool Detailed { get; init; }

    public async Task<Plan> PlanAsync(ResourceGraph graph, PlanScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(scope);
        var dag = ResourceDag.Build(graph);
        var serial = await _state.GetSerialAsync(cancellationToken).ConfigureAwait(false);
        var stored = await _state.LoadResourcesAsync(cancellationToken).ConfigureAwait(false);
        var inScope = await CheckAsync(graph, scope, stored, dag, cancellationToken).ConfigureAwait(false);
        var gone = stored.Values.Where(s => !graph.Resources.ContainsKey(s.Id) && scope.CoversDeleted(s.Id, s.Node, graph)).ToList();
        var recorded = stored.ToDictionary(kv => kv.Key, kv => kv.Value.Dependencies, StringComparer.Ordinal);
        ChangeOrder.RejectCycles(gone.Select(g => g.Id), recorded);
        var changes = new ConcurrentDictionary<string, PlannedChange>(StringComparer.Ordinal);
        var errors = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var fatal = new ConcurrentQueue<Exception>();

        var steps = inScope.ToDictionary(id => id, id => dag.Dependencies[id].Where(inScope.Contains).ToImmutableArray(), StringComparer.Ordinal);
        var outcomes = await new DagScheduler(PlanParallelism).RunAsync(steps, async id =>
        {
            try
            {
                changes[id] = await PlanResourceAsync(graph.Resources[id], stored.GetValueOrDefault(id), changes, stored, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (Exception e) when (e is Errors.FleetException && e is not Errors.ResourceGraphException)
            {
                // A provider that cannot start or answer fails only its own resources.
                errors[id] = e.Message;
                return false;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                fatal.Enqueue(e is Errors.ResourceGraphException ? e : PlanningException.For(id, e));
                return false;
            }
        }, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (fatal.TryDequeue(out var first))
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
        }

        var skipped = outcomes.Where(o => o.Value == StepOutcome.Skipped).Select(o => o.Key).ToImmutableArray();
        var held = ChangeOrder.Held(gone.Select(g => g.Id), recorded, errors.Keys.Concat(skipped).ToHashSet(StringComparer.Ordinal));
        foreach (var (id, dependent) in held)
        {
            errors[id] = $"not deleted: {dependent}, which depended on it, {(held.ContainsKey(dependent) ? "is not deleted either" : "cannot be planned")}";
        }

        foreach (var g in gone.Where(g => !held.ContainsKey(g.Id)))
        {
            changes[g.Id] = new PlannedChange(g.Id, g.Type, g.Node, PlanAction.Delete, [], [], g.Inputs, null, "no longer in the fleet");
        }

        var waits = ChangeOrder.Build(changes.ToDictionary(kv => kv.Key, kv => kv.Value.Action, StringComparer.Ordinal), dag.Dependencies, recorded);
        var order = dag.Order().Where(changes.ContainsKey).Concat(ChangeOrder.Sequence(gone.Select(g => g.Id).Where(changes.ContainsKey), waits));
        return new Plan(graph.Fleet, serial, Digest(graph), [.. order.Select(id => changes[id])], waits)
        {
            Scope = scope,
            Refreshed = Refresh,
            Failures = errors.ToImmutableSortedDictionary(StringComparer.Ordinal),
            Skipped = skipped,
        };
    }

    /// <summary>
    /// Refuses mistakes before anything is planned (exit 2): a selection that selects nothing
    /// (<see cref="PlanScope.Check"/>) and a resource in scope whose type no provider serves.
    /// Starts the providers of the resources in scope, as planning would.
    /// </summary>
    public async Task CheckAsync(ResourceGraph graph, PlanScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(scope);
        var stored = await _state.LoadResourcesAsync(cancellationToken).ConfigureAwait(false);
        await CheckAsync(graph, scope, stored, ResourceDag.Build(graph), cancellationToken).ConfigureAwait(false);
    }

    private async Task<ImmutableHashSet<string>> CheckAsync(
        ResourceGraph graph, PlanScope scope, ImmutableSortedDictionary<string, ResourceState> stored, ResourceDag dag, CancellationToken cancellationToken)
    {
        scope.Check(graph, stored.Values.Select(s => s.Node));
        var inScope = scope.Select(graph, dag);
        await RequireKnownTypesAsync(inScope.Select(id => graph.Resources[id]), cancellationToken).ConfigureAwait(false);
        return inScope;
    }

    /// <summary>
    /// A resource whose type no provider serves is a mistake in the configuration, not a failure
    /// of that resource: refused before anything is planned, naming the resource and its type.
    /// A provider that cannot start is left to fail its own resources while planning.
    /// </summary>
    private async Task RequireKnownTypesAsync(IEnumerable<Resource> resources, CancellationToken cancellationToken)
    {
        var byProvider = resources.GroupBy(r => r.Provider, StringComparer.Ordinal).ToList();
        var problems = new ConcurrentBag<string>();
        await Task.WhenAll(byProvider.Select(async group =>
        {
            ProviderClient client;
            try
            {
                _providers.Resolve(group.Key);
            }
            catch (ProviderException e)
            {
                foreach (var r in group)
                {
                    problems.Add($"resource `{r.Id}` has type `{r.Type}`, which no provider serves: {e.Message}");
                }

                return;
            }

            try
            {
                client = await _providers.GetAsync(group.Key, cancellationToken).ConfigureAwait(false);
            }
            catch (Errors.FleetException e) when (e is not Errors.ResourceGraphException)
            {
                return;
            }

            var served = client.Info.ResourceTypes.Select(t => t.Type).ToList();
            foreach (var r in group.Where(r => client.Schema(r.Type) is null))
            {
                problems.Add($"resource `{r.Id}` has type `{r.Type}`, which no provider serves: provider `{group.Key}` has {(served.Count == 0 ? "no resource types" : string.Join(", ", served))}");
            }
        })).ConfigureAwait(false);
        if (!problems.IsEmpty)
        {
            throw new Errors.ResourceGraphException([.. problems.Order(StringComparer.Ordinal)]);
        }
    }

    private async Task<PlannedChange> PlanResourceAsync(
        Resource resource,
        ResourceState? prior,
        ConcurrentDictionary<string, PlannedChange> planned,
        ImmutableSortedDictionary<string, ResourceState> stored,
        CancellationToken cancellationToken)
    {
        var client = await _providers.GetAsync(resource.Provider, cancellationToken).ConfigureAwait(false);
        var schema = await _providers.GetSchemaAsync(resource.Type, cancellationToken).ConfigureAwait(false);

        // References to resources that change in this run are known only after apply.
        var desired = References.Resolve(resource.Id, resource.Inputs, id =>
            planned.TryGetValue(id, out var change) && change.IsChange ? null
            : stored.TryGetValue(id, out var s) ? s.Outputs
            : null, out _);

        JsonElement? priorInputs = prior?.Inputs;
        JsonElement? priorOutputs = prior?.Outputs;
        string? drift = null;
        if (prior is not null && Refresh)
        {
            var read = await client.ReadAsync(new ReadParams(resource.Id, resource.Type, prior.Inputs, prior.Outputs), cancellationToken).ConfigureAwait(false);
            if (!read.Exists)
            {
                (priorInputs, priorOutputs, drift) = (null, null, "it no longer exists");
            }
            else
            {
                var actual = read.Inputs is { } i ? _state.Sensitive.Mask(i, schema.SensitiveInputs) : prior.Inputs;
                if (!SameRecordedFields(prior.Inputs, actual))
                {
                    drift = "changed outside fleet";
                }

                (priorInputs, priorOutputs) = (actual, read.Outputs ?? prior.Outputs);
            }
        }

        if (prior is not null && prior.Status == ResourceStatus.Tainted)
        {
            return Change(PlanAction.Replace, [], [], "tainted by a failed apply");
        }

        // A stored sensitive field matches when the desired value hashes to its marker: show the
        // provider the desired value on both sides so it sees no change it cannot see.
        if (priorInputs is { } p)
        {
            priorInputs = Unmask(p, desired, schema.SensitiveInputs);
        }

        var result = await client.PlanAsync(new PlanParams(resource.Id, resource.Type, priorInputs, priorOutputs, desired, Describe || Detailed, Detailed), cancellationToken).ConfigureAwait(false);
        var unresolved = References.UnresolvedFields(desired).ToImmutableArray();
        var action = result.Action;
        var changed = result.ChangedFields;
        if (action == PlanAction.Noop && !unresolved.IsEmpty)
        {
            (action, changed) = (PlanAction.Update, unresolved);
        }

        var reason = result.Reason ?? (drift is not null ? $"drift: {drift}" : prior?.Status == ResourceStatus.Failed ? "its last apply failed" : null);
        if (action == PlanAction.Noop && prior?.Status == ResourceStatus.Failed)
        {
            action = PlanAction.Update;
        }

        return Change(action, changed, result.UnknownOutputs, reason) with
        {
            // Shown only; an answer missing parts of it (a provider's bug) is dropped rather than shown broken.
            System = action != PlanAction.Noop && (Describe || Detailed) && result.System is { IsWellFormed: true } system ? system : null,
        };

        PlannedChange Change(PlanAction a, ImmutableArray<string> fields, ImmutableArray<string> unknown, string? why) =>
            new(resource.Id, resource.Type, resource.Node, a, fields.IsDefault ? [] : fields, unknown.IsDefault ? [] : unknown,
                prior is null ? null : _state.Sensitive.Mask(priorInputs ?? prior.Inputs, schema.SensitiveInputs),
                _state.Sensitive.Mask(desired, schema.SensitiveInputs),
                why);
    }

    private JsonElement Unmask(JsonElement prior, JsonElement desired, ImmutableArray<string> sensitive)
    {
        if (sensitive.IsDefaultOrEmpty || prior.ValueKind != JsonValueKind.Object || desired.ValueKind != JsonValueKind.Object)
        {
            return prior;
        }

        var obj = JsonNode.Parse(prior.GetRawText())!.AsObject();
        foreach (var field in sensitive)
        {
            if (prior.TryGetProperty(field, out var stored) && desired.TryGetProperty(field, out var wanted) && _state.Sensitive.Matches(stored, wanted))
            {
                obj[field] = JsonNode.Parse(wanted.GetRawText());
            }
        }

        return JsonSerializer.SerializeToElement<JsonNode>(obj, EngineJsonContext.Default.JsonNode);
    }

    /// <summary>Drift is a recorded input field whose real value differs; fields a provider adds (defaults) are not.</summary>
    internal static bool SameRecordedFields(JsonElement recorded, JsonElement actual) =>
        recorded.ValueKind != JsonValueKind.Object || actual.ValueKind != JsonValueKind.Object
            ? JsonElement.DeepEquals(recorded, actual)
            : recorded.EnumerateObject().All(p => actual.TryGetProperty(p.Name, out var a) && JsonElement.DeepEquals(p.Value, a));

    /// <summary>A digest of everything in the graph a plan depends on.</summary>
    public static string Digest(ResourceGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var r in graph.Resources.Values)
        {
            sha.AppendData(Encoding.UTF8.GetBytes($"{r.Id}\0{r.Type}\0{r.Node}\0{string.Join(',', r.DependsOn)}\0{r.Inputs.GetRawText()}\n"));
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
