using System.Collections.Immutable;
using System.Text.Json.Serialization;

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

    /// <summary>
    /// Whether everything a reader relies on is there: a record read from JSON (a provider's
    /// answer, a plan file) may lack a field its constructor wanted, or hold a null in a list.
    /// </summary>
    [JsonIgnore]
    public bool IsWellFormed =>
        New is not null && Whole(Notes)
        && (Closure is null || (Closure.ComputedOn is not null && !Closure.Packages.IsDefault
            && Closure.Packages.All(p => p is not null && p.Name is not null && Whole(p.Before) && Whole(p.After))))
        && (Reboot is null || Whole(Reboot.Changed))
        && (Units is null || (Whole(Units.Stop) && Whole(Units.Restart) && Whole(Units.Reload) && Whole(Units.Start)));

    private static bool Whole(ImmutableArray<string> names) => !names.IsDefault && names.All(n => n is not null);
}
