using System.Collections.Concurrent;
using Json.Schema;

namespace Fleet.Engine;

/// <summary>
/// Loads each JSON Schema file once per process: JsonSchema.Net registers schemas by $id
/// globally and refuses to register the same $id twice.
/// </summary>
public static class SchemaCatalog
{
    private static readonly ConcurrentDictionary<string, Lazy<JsonSchema>> s_schemas = new(StringComparer.Ordinal);

    public static JsonSchema Load(string path) =>
        s_schemas.GetOrAdd(
            Path.GetFullPath(path),
            p => new Lazy<JsonSchema>(() => JsonSchema.FromText(File.ReadAllText(p)))).Value;
}
