using System.Text.Json.Serialization;

namespace Fleet.Testbed;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(TestbedDescription))]
internal sealed partial class TestbedJsonContext : JsonSerializerContext
{
}
