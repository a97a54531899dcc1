using System.Collections.Immutable;
using Fleet.Engine.Errors;
using Fleet.Engine.Graph;
using Fleet.Protocol;

namespace Fleet.Engine.Planning;

/// <summary>
/// What each change of a plan waits for before it starts: the edges apply's scheduler runs on.
/// Creates, updates and replaces follow the graph, after the changes of what they depend on.
/// Deletes follow the dependencies the state recorded, reversed (Terraform's destroy order): a
/// delete waits for the delete, replace or update of every resource that depended on it, so
/// nothing is removed while something still uses it, and a failure there keeps it. A replace
/// (delete, then create) waits likewise for the deletes of resources that depended on it, unless
/// one of those deletes waits, through others, for the replace itself.
/// </summary>
public static class ChangeOrder
{
    /// <param name="actions">Every change of the plan (noops too), by id.</param>
    /// <param name="graphDependencies">What each resource of the graph depends on now.</param>
    /// <param name="recordedDependencies">What each resource of the state depended on when last applied.</param>
    public static ImmutableSortedDictionary<string, ImmutableArray<string>> Build(
        IReadOnlyDictionary<string, PlanAction> actions,
        IReadOnlyDictionary<string, ImmutableArray<string>> graphDependencies,
        IReadOnlyDictionary<string, ImmutableArray<string>> recordedDependencies)
    {
        ArgumentNullException.ThrowIfNull(actions);
        ArgumentNullException.ThrowIfNull(graphDependencies);
        ArgumentNullException.ThrowIfNull(recordedDependencies);
        RejectCycles(actions.Where(a => a.Value == PlanAction.Delete).Select(a => a.Key), recordedDependencies);

        var waits = actions.Keys.ToDictionary(id => id, _ => new SortedSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var (id, action) in actions.Where(a => a.Value != PlanAction.Delete))
        {
            waits[id].UnionWith(graphDependencies.GetValueOrDefault(id, []).Where(actions.ContainsKey));
        }

        var replaceAfter = new List<(string Replaced, string Deleted)>();
        foreach (var (dependent, dependencies) in recordedDependencies.Where(r => actions.ContainsKey(r.Key)).OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            foreach (var dependency in dependencies.Where(actions.ContainsKey))
            {
                if (actions[dependency] == PlanAction.Delete && actions[dependent] is PlanAction.Delete or PlanAction.Replace or PlanAction.Update)
                {
                    waits[dependency].Add(dependent);
                }
                else if (actions[dependency] == PlanAction.Replace && actions[dependent] == PlanAction.Delete)
                {
                    replaceAfter.Add((dependency, dependent));
                }
            }
        }

        // Graph resources never wait for deletes above, so everything so far is acyclic; each
        // edge from a replace to a delete is kept only if it does not close a cycle.
        foreach (var (replaced, deleted) in replaceAfter)
        {
            if (!Reaches(waits, deleted, replaced))
            {
                waits[replaced].Add(deleted);
            }
        }

        return waits.ToImmutableSortedDictionary(kv => kv.Key, kv => kv.Value.ToImmutableArray(), StringComparer.Ordinal);
    }

    /// <summary>
    /// Refuses to plan deletes whose recorded dependencies form a cycle: there is no order to
    /// delete them in. A graph cannot produce one, so the state is damaged.
    /// </summary>
    public static void RejectCycles(IEnumerable<string> deleted, IReadOnlyDictionary<string, ImmutableArray<string>> recordedDependencies)
    {
        ArgumentNullException.ThrowIfNull(deleted);
        ArgumentNullException.ThrowIfNull(recordedDependencies);
        var among = deleted.ToDictionary(id => id, id => recordedDependencies.GetValueOrDefault(id, []), StringComparer.Ordinal);
        if (ResourceDag.FindCycle(among) is { } cycle)
        {
            throw new FleetException(
                $"the state records a dependency cycle among resources to delete: {string.Join(" -> ", cycle)} " +
                "(each depended on the next when it was last applied), so there is no order to delete them in. " +
                "The state is damaged; `fleet state show ID` prints a resource's recorded dependencies, and " +
                "`fleet state rm ID` forgets one (without deleting the real thing) to break the cycle.");
        }
    }

    /// <summary>
    /// Deletes to hold back because something that depended on them could not be planned (its
    /// provider failed), so may still use them; and, in turn, what those depended on. Each with
    /// the dependent that holds it.
    /// </summary>
    public static ImmutableSortedDictionary<string, string> Held(
        IEnumerable<string> deleted,
        IReadOnlyDictionary<string, ImmutableArray<string>> recordedDependencies,
        IReadOnlySet<string> unplanned)
    {
        ArgumentNullException.ThrowIfNull(deleted);
        ArgumentNullException.ThrowIfNull(recordedDependencies);
        ArgumentNullException.ThrowIfNull(unplanned);
        var held = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var blocking = new Stack<string>(unplanned.Order(StringComparer.Ordinal).Reverse());
        var gone = deleted.ToHashSet(StringComparer.Ordinal);
        while (blocking.TryPop(out var dependent))
        {
            foreach (var dependency in recordedDependencies.GetValueOrDefault(dependent, []).Where(gone.Contains))
            {
                if (held.TryAdd(dependency, dependent))
                {
                    blocking.Push(dependency);
                }
            }
        }

        return held.ToImmutableSortedDictionary(StringComparer.Ordinal);
    }

    /// <summary>The given ids in an order that runs each after what it waits for (ties by name).</summary>
    public static ImmutableArray<string> Sequence(IEnumerable<string> ids, IReadOnlyDictionary<string, ImmutableArray<string>> waits)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(waits);
        var set = ids.ToHashSet(StringComparer.Ordinal);
        var pending = set.ToDictionary(id => id, _ => 0, StringComparer.Ordinal);
        var waiters = set.ToDictionary(id => id, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var id in set)
        {
            foreach (var awaited in waits.GetValueOrDefault(id, []).Distinct(StringComparer.Ordinal).Where(set.Contains))
            {
                pending[id]++;
                waiters[awaited].Add(id);
            }
        }

        var ready = new SortedSet<string>(pending.Where(p => p.Value == 0).Select(p => p.Key), StringComparer.Ordinal);
        var order = ImmutableArray.CreateBuilder<string>(set.Count);
        while (ready.Min is { } next)
        {
            ready.Remove(next);
            order.Add(next);
            foreach (var waiter in waiters[next])
            {
                if (--pending[waiter] == 0)
                {
                    ready.Add(waiter);
                }
            }
        }

        // Anything left waits in a circle (Build refuses those); list it rather than drop it.
        order.AddRange(set.Except(order).Order(StringComparer.Ordinal));
        return order.ToImmutable();
    }

    private static bool Reaches(Dictionary<string, SortedSet<string>> waits, string from, string to)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>([from]);
        while (stack.TryPop(out var id))
        {
            if (id == to)
            {
                return true;
            }

            if (seen.Add(id))
            {
                foreach (var next in waits[id])
                {
                    stack.Push(next);
                }
            }
        }

        return false;
    }
}
