using System.Text.Json.Serialization;

namespace Fleet.Providers.Dummy;

[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class DummyJsonContext : JsonSerializerContext
{
}
