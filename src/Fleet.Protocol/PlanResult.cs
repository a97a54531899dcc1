using System.Collections.Immutable;

namespace Fleet.Protocol;

/// <summary>`plan` answer: what apply would do, which fields changed and which outputs stay unknown until then.</summary>
/// <param name="System">For a resource that is a machine's system (nixos.system): what the change does to it; optional.</param>
public sealed record PlanResult(
    PlanAction Action,
    ImmutableArray<string> ChangedFields,
    ImmutableArray<string> UnknownOutputs,
    string? Reason = null,
    SystemChange? System = null);
