using System.Collections.Immutable;

namespace Fleet.Protocol;

/// <summary>
/// The difference between two closures, as `nix store diff-closures` and nvd show it: packages
/// (store paths grouped by name, versions parsed off the names) whose versions changed or that
/// were added or removed, and the store paths and NAR bytes added and removed overall.
/// </summary>
/// <param name="ComputedOn">"deployer" or "node": whose store both closures were read from.</param>
public sealed record ClosureDiff(
    ImmutableArray<PackageChange> Packages,
    int PathsAdded,
    int PathsRemoved,
    long SizeBefore,
    long SizeAfter,
    string ComputedOn)
{
    public long SizeDelta => SizeAfter - SizeBefore;
}
