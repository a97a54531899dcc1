using System.Collections.Immutable;

namespace Fleet.Engine.Providers;

/// <summary>What `fleet provider check` saw: the steps it ran and every protocol violation.</summary>
public sealed record ProviderCheckReport(ImmutableArray<string> Steps, ImmutableArray<string> Violations)
{
    public bool Passed => Violations.IsEmpty;
}
