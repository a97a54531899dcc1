using System.Text.Json.Serialization;

namespace Fleet.Bench;

[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class BenchJsonContext : JsonSerializerContext
{
}
