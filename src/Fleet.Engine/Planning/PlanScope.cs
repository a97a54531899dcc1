using System.Collections.Immutable;
using Fleet.Engine.Graph;

namespace Fleet.Engine.Planning;

/// <summary>
/// Which resources a plan covers: `--on` selects nodes (and every resource whose `node` is one of
/// them), `--target` selects resources with everything they depend on. Empty means everything.
/// </summary>
public sealed record PlanScope(NodeSelector On, ImmutableArray<string> Targets)
{
    public static PlanScope Everything { get; } = new(NodeSelector.All, []);

    public bool IsEverything => On.Terms.IsEmpty && Targets.IsEmpty;

    /// <summary>
    /// Refuses a selection that is a mistake: an `--on` term matching no node (of the graph, or
    /// gone from it with resources still in <paramref name="storedNodes"/>), a `--target` naming
    /// no resource, or `--on` and `--target` that together select nothing.
    /// </summary>
    public void Check(ResourceGraph graph, IEnumerable<string?> storedNodes)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(storedNodes);
        var graphNodes = graph.Nodes.Select(n => n.Node).ToHashSet(StringComparer.Ordinal);
        var former = storedNodes.OfType<string>().Where(n => !graphNodes.Contains(n)).Distinct(StringComparer.Ordinal).ToList();
        On.RequireMatches(graph, former);
        if (!Targets.IsEmpty && Select(graph, ResourceDag.Build(graph)).IsEmpty)
        {
            throw new Errors.FleetException(
                $"--on {string.Join(',', On.Terms)} and --target {string.Join(", ", Targets)} together select no resource of fleet {graph.Fleet}: " +
                "the targets are not on the selected nodes. Nothing was done.");
        }
    }

    /// <summary>
    /// Refuses to change every node of a fleet whose meta.allowApplyAll is false (Colmena's guard
    /// against deploying to the whole cluster by accident): such a fleet is changed by selection,
    /// and `--on '*'` is one. <paramref name="verb"/> names what another verb than apply (which
    /// also takes --target) would do to the nodes: "roll back".
    /// </summary>
    public void RequireAllowedToApply(ResourceGraph graph, string? verb = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (IsEverything && !graph.AllowApplyAll)
        {
            var how = verb is null ? "apply to with --on (names, globs, @tags; '*' for every node) or the resources with --target"
                : $"{verb} with --on (names, globs, @tags; '*' for every node)";
            throw new Errors.FleetException(
                $"no node selection given, and fleet {graph.Fleet} sets meta.allowApplyAll = false: name the nodes to {how}. Nothing was done.");
        }
    }

    public ImmutableHashSet<string> Select(ResourceGraph graph, ResourceDag dag)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(dag);
        var ids = graph.Resources.Keys.ToImmutableHashSet();
        if (!On.Terms.IsEmpty)
        {
            var nodes = On.SelectNodes(graph).Select(n => n.Node!).ToHashSet(StringComparer.Ordinal);
            ids = [.. graph.Resources.Values.Where(r => r.Node is not null && nodes.Contains(r.Node)).Select(r => r.Id)];
        }

        if (!Targets.IsEmpty)
        {
            var missing = Targets.Where(t => !graph.Resources.ContainsKey(t)).ToList();
            if (missing.Count > 0)
            {
                throw new Errors.FleetException($"--target names no resource of this fleet: {string.Join(", ", missing)}");
            }

            ids = ids.Intersect(dag.WithDependencies(Targets));
        }

        return ids;
    }

    /// <summary>Whether a resource that is in state but gone from the graph is in scope for deletion.</summary>
    public bool CoversDeleted(string id, string? node, ResourceGraph graph) =>
        IsEverything
        || (Targets.IsEmpty && node is not null && On.Matches(node, []))
        || Targets.Contains(id);
}
