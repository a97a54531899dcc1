using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fleet.Providers.NixOS;

[JsonSerializable(typeof(Dictionary<string, JsonElement>))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int?))]
internal sealed partial class NixosJsonContext : JsonSerializerContext
{
}
