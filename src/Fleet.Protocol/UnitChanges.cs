using System.Collections.Immutable;

namespace Fleet.Protocol;

/// <summary>The units activating a system would stop, restart, reload and start (`switch-to-configuration dry-activate`).</summary>
public sealed record UnitChanges(ImmutableArray<string> Stop, ImmutableArray<string> Restart, ImmutableArray<string> Reload, ImmutableArray<string> Start)
{
    public bool IsEmpty => Stop.IsDefaultOrEmpty && Restart.IsDefaultOrEmpty && Reload.IsDefaultOrEmpty && Start.IsDefaultOrEmpty;
}
