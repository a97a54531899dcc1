using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Fleet.Engine;

[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class EngineJsonContext : JsonSerializerContext
{
}
