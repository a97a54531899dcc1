using System.Collections.Immutable;
using System.Text.Json;

namespace Fleet.Engine.Graph;

/// <summary>One resource of the graph: its type (owning provider), node, inputs and explicit dependencies.</summary>
public sealed record Resource(
    string Id,
    string Type,
    string? Node,
    JsonElement Inputs,
    ImmutableArray<string> DependsOn)
{
    /// <summary>The provider that owns the type: the part before the first dot.</summary>
    public string Provider => Type[..Type.IndexOf('.', StringComparison.Ordinal)];

    public string? InputString(string name) =>
        Inputs.ValueKind == JsonValueKind.Object && Inputs.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    public ImmutableArray<string> InputStrings(string name) =>
        Inputs.ValueKind == JsonValueKind.Object && Inputs.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!)]
            : [];
}
