using System.Text.Json.Serialization;

namespace Fleet.Protocol;

/// <summary>Source-generated (AOT-safe) JSON metadata for every protocol message: camelCase, enums as lowercase strings.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(InitializeParams))]
[JsonSerializable(typeof(InitializeResult))]
[JsonSerializable(typeof(ResourceTypeSchema))]
[JsonSerializable(typeof(ValidateParams))]
[JsonSerializable(typeof(ValidateResult))]
[JsonSerializable(typeof(Diagnostic))]
[JsonSerializable(typeof(PlanParams))]
[JsonSerializable(typeof(PlanResult))]
[JsonSerializable(typeof(SystemChange))]
[JsonSerializable(typeof(ApplyParams))]
[JsonSerializable(typeof(ApplyResult))]
[JsonSerializable(typeof(ReadParams))]
[JsonSerializable(typeof(ReadResult))]
[JsonSerializable(typeof(DeleteParams))]
[JsonSerializable(typeof(DeleteResult))]
[JsonSerializable(typeof(ShutdownResult))]
[JsonSerializable(typeof(LogParams))]
[JsonSerializable(typeof(ProgressParams))]
[JsonSerializable(typeof(CancelParams))]
[JsonSerializable(typeof(CredentialsParams))]
[JsonSerializable(typeof(JsonRpcError))]
[JsonSerializable(typeof(ResourceFailureData))]
[JsonSerializable(typeof(System.Text.Json.JsonElement))]
public sealed partial class ProtocolJsonContext : JsonSerializerContext
{
}
