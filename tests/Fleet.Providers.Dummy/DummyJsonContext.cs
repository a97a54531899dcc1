using System.Text.Json.Serialization;

namespace Fleet.Providers.Dummy;

[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(System.Text.Json.JsonElement))]
internal sealed partial class DummyJsonContext : JsonSerializerContext
{
}
