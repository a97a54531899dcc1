using System.Text.Json.Serialization;

namespace Fleet.Cli;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(IEnumerable<NodeRow>))]
[JsonSerializable(typeof(NodeStatusRow[]))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
internal sealed partial class CliJsonContext : JsonSerializerContext
{
}
