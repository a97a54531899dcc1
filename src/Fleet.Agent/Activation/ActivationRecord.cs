using System.Collections.Immutable;
using Fleet.Nodes;

namespace Fleet.Agent.Activation;

/// <summary>How an activation ended; kept in /var/lib/fleet-agent/last-activation.json.</summary>
public sealed record ActivationRecord(
    string Id,
    string System,
    string? Previous,
    string Goal,
    DateTimeOffset Start,
    DateTimeOffset? End,
    string Outcome,
    int ExitCode,
    string? Message,
    ImmutableArray<HealthResult> Health,
    string Log);
