using System.Text.Json.Serialization;

namespace Fleet.Cli;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(IEnumerable<NodeRow>))]
[JsonSerializable(typeof(NodeStatusRow[]))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(Dictionary<string, string[]>))]
internal sealed partial class CliJsonContext : JsonSerializerContext
{
}
