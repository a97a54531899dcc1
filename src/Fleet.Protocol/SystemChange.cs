using System.Collections.Immutable;

namespace Fleet.Protocol;

/// <summary>
/// What a change of a machine's system does, for `plan` to show: the system it runs now and the
/// one it would run, the closure diff between them, whether a reboot is needed, and (with
/// `fleet plan --detailed`) the units activation would stop, restart, reload and start. Parts
/// that could not be found out are null, with the reason in <see cref="Notes"/>.
/// </summary>
/// <param name="Current">The store path the node runs now; null when unknown or none.</param>
/// <param name="New">The store path the change deploys.</param>
public sealed record SystemChange(
    string? Current,
    string New,
    ClosureDiff? Closure = null,
    RebootCheck? Reboot = null,
    UnitChanges? Units = null)
{
    /// <summary>Why a part is missing ("the closure diff needs `fleet plan --detailed`").</summary>
    public ImmutableArray<string> Notes { get; init; } = [];
}
