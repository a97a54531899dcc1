using System.Text.Json;
using System.Text.Json.Serialization;
using Fleet.Nodes;

namespace Fleet.Providers.NixOS;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Dictionary<string, JsonElement>))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int?))]
[JsonSerializable(typeof(HealthResult))]
internal sealed partial class NixosJsonContext : JsonSerializerContext
{
}
