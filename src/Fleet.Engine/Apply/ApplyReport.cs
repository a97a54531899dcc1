using System.Collections.Immutable;

namespace Fleet.Engine.Apply;

/// <summary>How every planned change ended, with the error of each failed one.</summary>
public sealed record ApplyReport(
    ImmutableSortedDictionary<string, StepOutcome> Outcomes,
    ImmutableSortedDictionary<string, string> Errors)
{
    public bool AllSucceeded => Outcomes.Values.All(o => o == StepOutcome.Succeeded);

    public IEnumerable<string> Failed => Outcomes.Where(o => o.Value == StepOutcome.Failed).Select(o => o.Key);
}
