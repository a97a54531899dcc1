using System.Collections.Immutable;

namespace Fleet.Protocol;

/// <summary>`plan` answer: what apply would do, which fields changed and which outputs stay unknown until then.</summary>
public sealed record PlanResult(
    PlanAction Action,
    ImmutableArray<string> ChangedFields,
    ImmutableArray<string> UnknownOutputs,
    string? Reason = null);
