using System.Text.Json.Serialization;
using Fleet.Agent.Activation;
using Fleet.Agent.Health;

namespace Fleet.Agent;

/// <summary>Source-generated JSON for everything the agent reads and writes (NativeAOT: no reflection).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(HealthCheck[]))]
[JsonSerializable(typeof(HealthReport))]
[JsonSerializable(typeof(ActivationRecord))]
[JsonSerializable(typeof(ActiveActivation))]
[JsonSerializable(typeof(ActivationEvent))]
[JsonSerializable(typeof(StatusReport))]
public sealed partial class AgentJsonContext : JsonSerializerContext
{
}
