using System.Text.Json;

namespace Fleet.Protocol;

/// <summary>Reading optional fields of JSON objects that providers, the agent and the state pass around.</summary>
public static class JsonFields
{
    /// <summary>The string `name` of `obj`; null when `obj` is no object, lacks it, or holds something else there.</summary>
    public static string? String(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
