using System.Text.Json.Serialization;
using Fleet.Agent.Activation;
using Fleet.Agent.Health;
using Fleet.Agent.Secrets;

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
[JsonSerializable(typeof(SecretStatus))]
[JsonSerializable(typeof(PendingOwner[]))]
public sealed partial class AgentJsonContext : JsonSerializerContext
{
}
