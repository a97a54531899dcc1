using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace Fleet.Engine.Graph;

/// <summary>
/// `--on` selection: comma-separated node name globs (`web-*`, `db?`) and tag globs (`@prod`,
/// `@web-*`), as Colmena's `--on` reads them. An empty selector selects every node.
/// </summary>
public sealed record NodeSelector(ImmutableArray<string> Terms)
{
    public static NodeSelector All { get; } = new([]);

    public static NodeSelector Parse(string? text) =>
        string.IsNullOrWhiteSpace(text)
            ? All
            : new([.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]);

    public bool Matches(string node, IReadOnlyCollection<string> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        return Terms.IsEmpty || Terms.Any(term => term.StartsWith('@')
            ? tags.Any(GlobToRegex(term[1..]).IsMatch)
            : GlobToRegex(term).IsMatch(node));
    }

    /// <summary>The terms that select none of <paramref name="nodes"/> (name and tags of each).</summary>
    public ImmutableArray<string> TermsMatchingNothing(IReadOnlyCollection<(string Name, IReadOnlyCollection<string> Tags)> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        return [.. Terms.Where(term => !nodes.Any(n => new NodeSelector([term]).Matches(n.Name, n.Tags)))];
    }

    /// <summary>
    /// Refuses a selector with a term that selects no node of the graph (nor, in
    /// <paramref name="formerNodes"/>, a node gone from the fleet whose resources state still holds):
    /// a mistyped `--on` must stop the command, not quietly select nothing.
    /// </summary>
    public void RequireMatches(ResourceGraph graph, IEnumerable<string>? formerNodes = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (Terms.IsEmpty)
        {
            return;
        }

        var known = graph.Nodes.Select(n => (n.Node!, (IReadOnlyCollection<string>)n.InputStrings("tags")))
            .Concat((formerNodes ?? []).Select(n => (n, (IReadOnlyCollection<string>)[])))
            .ToList();
        var unmatched = TermsMatchingNothing(known);
        if (unmatched.IsEmpty)
        {
            return;
        }

        var names = graph.Nodes.Select(n => n.Node!).Order(StringComparer.Ordinal).ToList();
        var tags = graph.Nodes.SelectMany(n => n.InputStrings("tags")).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(t => "@" + t).ToList();
        var what = names.Count == 0
            ? "this fleet has no nodes"
            : $"its nodes are {Few(names)}" + (tags.Count == 0 ? "" : $"; its tags are {Few(tags)}");
        throw new Errors.FleetException(
            $"--on {string.Join(',', Terms)}: {string.Join(", ", unmatched.Select(t => $"'{t}'"))} {(unmatched.Length == 1 ? "matches" : "match")} no node of fleet {graph.Fleet}; {what}. Nothing was done.");
    }

    private static string Few(List<string> items) =>
        items.Count <= 8 ? string.Join(", ", items) : $"{string.Join(", ", items.Take(8))}, … ({items.Count} in all)";

    public IEnumerable<Resource> SelectNodes(ResourceGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return graph.Nodes.Where(n => Matches(n.Node!, n.InputStrings("tags")));
    }

    private static Regex GlobToRegex(string glob) =>
        new("^" + Regex.Escape(glob).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
}
