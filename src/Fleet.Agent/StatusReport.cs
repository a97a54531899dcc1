using System.Collections.Immutable;
using Fleet.Agent.Activation;
using Fleet.Agent.Health;

namespace Fleet.Agent;

/// <summary>What `status --json`, the daemon's socket and GET /status answer.</summary>
public sealed record StatusReport(
    string? CurrentSystem,
    string? ProfileSystem,
    int? Generation,
    string? PreviousSystem,
    ActivationRecord? LastActivation,
    ImmutableArray<string> LogTail,
    HealthReport? Health,
    ActiveActivation? Pending);
