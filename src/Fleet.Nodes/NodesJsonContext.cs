using System.Text.Json.Serialization;

namespace Fleet.Nodes;

/// <summary>Source-generated JSON (NativeAOT: the agent uses it too) for the agent's wire contract records.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SystemPreview))]
internal sealed partial class NodesJsonContext : JsonSerializerContext
{
}
