using System.Collections.Immutable;
using Fleet.Nodes;

namespace Fleet.Agent.Health;

/// <summary>The results of one run of all checks.</summary>
public sealed record HealthReport(DateTimeOffset Time, bool Ok, ImmutableArray<HealthResult> Results);
