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
    public string Provider => ProviderOf(Type);

    /// <summary>The provider that owns a type: the part before the first dot ("local.file" -> "local").</summary>
    public static string ProviderOf(string type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var dot = type.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 ? type[..dot] : type;
    }

    public string? InputString(string name) =>
        Inputs.ValueKind == JsonValueKind.Object && Inputs.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    public ImmutableArray<string> InputStrings(string name) =>
        Inputs.ValueKind == JsonValueKind.Object && Inputs.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!)]
            : [];
}
