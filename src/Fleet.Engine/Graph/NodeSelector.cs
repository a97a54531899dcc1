using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace Fleet.Engine.Graph;

/// <summary>
/// `--on` selection: comma-separated node name globs (`web-*`, `db?`) and tags (`@prod`).
/// An empty selector selects every node.
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
            ? tags.Contains(term[1..])
            : GlobToRegex(term).IsMatch(node));
    }

    public IEnumerable<Resource> SelectNodes(ResourceGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return graph.Nodes.Where(n => Matches(n.Node!, n.InputStrings("tags")));
    }

    private static Regex GlobToRegex(string glob) =>
        new("^" + Regex.Escape(glob).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
}
