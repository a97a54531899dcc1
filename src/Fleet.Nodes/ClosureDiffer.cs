using System.Collections.Immutable;
using Fleet.Protocol;

namespace Fleet.Nodes;

/// <summary>
/// Computes a <see cref="ClosureDiff"/> from two closures: paths grouped by <see cref="StoreName"/>
/// package; a package is listed when its set of versions changed (added, removed, upgraded) or
/// its size moved by at least <see cref="SizeThreshold"/> bytes, as Nix's diff-closures lists them.
/// </summary>
public static class ClosureDiffer
{
    /// <summary>A package whose versions stay is listed only when its size moved this much (8 KiB, as Nix).</summary>
    public const long SizeThreshold = 8 * 1024;

    public static ClosureDiff Compute(IReadOnlyCollection<StorePathSize> before, IReadOnlyCollection<StorePathSize> after, string computedOn)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var old = Group(before);
        var @new = Group(after);
        var packages = ImmutableArray.CreateBuilder<PackageChange>();
        foreach (var name in old.Keys.Union(@new.Keys).Order(StringComparer.Ordinal))
        {
            var was = old.GetValueOrDefault(name);
            var @is = @new.GetValueOrDefault(name);
            var wasVersions = Versions(was);
            var isVersions = Versions(@is);
            var delta = Size(@is) - Size(was);
            if (!wasVersions.SequenceEqual(isVersions, StringComparer.Ordinal) || Math.Abs(delta) >= SizeThreshold)
            {
                packages.Add(new PackageChange(name, wasVersions, isVersions, delta));
            }
        }

        var beforePaths = before.Select(p => p.Path).ToHashSet(StringComparer.Ordinal);
        var afterPaths = after.Select(p => p.Path).ToHashSet(StringComparer.Ordinal);
        return new ClosureDiff(
            packages.ToImmutable(),
            afterPaths.Count(p => !beforePaths.Contains(p)),
            beforePaths.Count(p => !afterPaths.Contains(p)),
            before.Sum(p => p.NarSize),
            after.Sum(p => p.NarSize),
            computedOn);
    }

    private static Dictionary<string, List<(string Version, long Size)>> Group(IEnumerable<StorePathSize> closure)
    {
        var groups = new Dictionary<string, List<(string, long)>>(StringComparer.Ordinal);
        foreach (var path in closure.DistinctBy(p => p.Path, StringComparer.Ordinal))
        {
            var name = StoreName.Parse(path.Path);
            if (!groups.TryGetValue(name.Package, out var list))
            {
                groups[name.Package] = list = [];
            }

            list.Add((name.Version, path.NarSize));
        }

        return groups;
    }

    private static ImmutableArray<string> Versions(List<(string Version, long Size)>? paths) =>
        paths is null ? [] : [.. paths.Select(p => p.Version).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    private static long Size(List<(string Version, long Size)>? paths) => paths?.Sum(p => p.Size) ?? 0;
}
