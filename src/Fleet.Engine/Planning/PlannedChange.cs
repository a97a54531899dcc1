using System.Collections.Immutable;
using System.Text.Json;
using Fleet.Protocol;

namespace Fleet.Engine.Planning;

/// <summary>
/// What plan decided for one resource. Inputs are as they will be sent (references still as
/// `{"$ref"}` objects when their value is known only after apply); sensitive fields are masked.
/// </summary>
public sealed record PlannedChange(
    string Id,
    string Type,
    string? Node,
    PlanAction Action,
    ImmutableArray<string> ChangedFields,
    ImmutableArray<string> UnknownOutputs,
    JsonElement? PriorInputs,
    JsonElement? DesiredInputs,
    string? Reason)
{
    /// <summary>What the change does to a machine's system, when its provider said (nixos.system).</summary>
    public SystemChange? System { get; init; }

    public bool IsChange => Action != PlanAction.Noop;
}
