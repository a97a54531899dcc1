using System.Collections.Immutable;

namespace Fleet.Protocol;

/// <summary>
/// One package of a <see cref="ClosureDiff"/>: its versions before and after (empty: absent; a
/// version "" is a path without one), and the change of its paths' NAR size in bytes.
/// </summary>
public sealed record PackageChange(string Name, ImmutableArray<string> Before, ImmutableArray<string> After, long SizeDelta)
{
    public bool IsAdded => Before.IsDefaultOrEmpty && !After.IsDefaultOrEmpty;

    public bool IsRemoved => !Before.IsDefaultOrEmpty && After.IsDefaultOrEmpty;
}
