using System.Collections.Immutable;
using System.Text.Json;

namespace Fleet.State;

/// <summary>
/// One resource as the state remembers it. Inputs and outputs are JSON objects; sensitive
/// fields must already be masked (<see cref="SensitiveValues.Mask"/>) before they are stored.
/// </summary>
public sealed record ResourceState(
    string Id,
    string Type,
    string Provider,
    string? Node,
    JsonElement Inputs,
    JsonElement Outputs,
    ResourceStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long? LastRunId)
{
    /// <summary>
    /// The ids it depended on when it was last applied (`dependsOn` and `$ref` targets), sorted.
    /// Deletes run in reverse of these; rows written before they were recorded have none.
    /// </summary>
    public ImmutableArray<string> Dependencies { get; init; } = [];
}
