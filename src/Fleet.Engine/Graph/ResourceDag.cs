using System.Collections.Immutable;
using Fleet.Engine.Errors;
using QuikGraph;
using QuikGraph.Algorithms;

namespace Fleet.Engine.Graph;

/// <summary>
/// The dependency DAG of a resource graph: an edge from each dependency to its dependent, from
/// `dependsOn` and from `$ref` references. Cycles are rejected with the cycle spelled out.
/// </summary>
public sealed class ResourceDag
{
    private readonly AdjacencyGraph<string, Edge<string>> _graph;

    private ResourceDag(AdjacencyGraph<string, Edge<string>> graph, ImmutableSortedDictionary<string, ImmutableArray<string>> dependencies)
    {
        _graph = graph;
        Dependencies = dependencies;
    }

    /// <summary>For each resource, the resources it depends on.</summary>
    public ImmutableSortedDictionary<string, ImmutableArray<string>> Dependencies { get; }

    public static ResourceDag Build(ResourceGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return Build(graph.Resources.Values.ToDictionary(r => r.Id, ResourceGraph.DependenciesOf));
    }

    public static ResourceDag Build(IReadOnlyDictionary<string, ImmutableArray<string>> dependencies)
    {
        ArgumentNullException.ThrowIfNull(dependencies);
        var graph = new AdjacencyGraph<string, Edge<string>>(allowParallelEdges: false);
        graph.AddVertexRange(dependencies.Keys);
        foreach (var (id, deps) in dependencies)
        {
            foreach (var dep in deps.Where(dependencies.ContainsKey))
            {
                graph.AddEdge(new Edge<string>(dep, id));
            }
        }

        var dag = new ResourceDag(
            graph,
            dependencies.ToImmutableSortedDictionary(
                kv => kv.Key,
                kv => kv.Value.Where(dependencies.ContainsKey).Distinct().ToImmutableArray(),
                StringComparer.Ordinal));
        if (FindCycle(dag.Dependencies) is { } cycle)
        {
            throw new ResourceGraphException([$"dependency cycle: {string.Join(" -> ", cycle)}"]);
        }

        return dag;
    }

    /// <summary>A topological order: every resource after its dependencies.</summary>
    public ImmutableArray<string> Order() => [.. _graph.TopologicalSort()];

    /// <summary>The given resources and everything they depend on, transitively (for --target).</summary>
    public ImmutableHashSet<string> WithDependencies(IEnumerable<string> ids)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>(ids);
        while (stack.TryPop(out var id))
        {
            if (seen.Add(id) && Dependencies.TryGetValue(id, out var deps))
            {
                foreach (var dep in deps)
                {
                    stack.Push(dep);
                }
            }
        }

        return [.. seen];
    }

    /// <summary>
    /// Depth-first search with colours over ids and what each depends on (entries naming no key
    /// are ignored); returns the first cycle found, closed and in dependency direction
    /// (a -> b -> a: a depends on b, which depends on a), or null.
    /// </summary>
    public static IReadOnlyList<string>? FindCycle(IReadOnlyDictionary<string, ImmutableArray<string>> dependencies)
    {
        ArgumentNullException.ThrowIfNull(dependencies);
        var colour = new Dictionary<string, int>(StringComparer.Ordinal);
        var path = new List<string>();
        foreach (var start in dependencies.Keys.Order(StringComparer.Ordinal))
        {
            if (Visit(start) is { } cycle)
            {
                return cycle;
            }
        }

        return null;

        List<string>? Visit(string id)
        {
            if (colour.TryGetValue(id, out var c))
            {
                if (c == 1)
                {
                    var from = path.IndexOf(id);
                    return [.. path.Skip(from), id];
                }

                return null;
            }

            colour[id] = 1;
            path.Add(id);
            foreach (var dep in dependencies[id].Where(dependencies.ContainsKey))
            {
                if (Visit(dep) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            colour[id] = 2;
            return null;
        }
    }
}
