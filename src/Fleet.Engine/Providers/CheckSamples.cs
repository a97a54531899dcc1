using System.Text.Json;
using System.Text.Json.Nodes;
using Fleet.Protocol;

namespace Fleet.Engine.Providers;

/// <summary>
/// Inputs for `fleet provider check` to drive a resource type with: the user's, or values that
/// satisfy simple schemas (required properties, defaults, examples, enums, lengths), and the
/// same with one plain field changed to exercise update.
/// </summary>
internal static class CheckSamples
{
    /// <summary>The inputs given for the type (by type, or for all), else a sample built from its schema.</summary>
    public static JsonObject Inputs(ResourceTypeSchema type, JsonElement? given)
    {
        if (given is { ValueKind: JsonValueKind.Object } file)
        {
            var chosen = file.TryGetProperty(type.Type, out var forType) && forType.ValueKind == JsonValueKind.Object ? forType : file;
            return (JsonObject)JsonNode.Parse(chosen.GetRawText())!;
        }

        return SampleValue(type.Inputs, "") as JsonObject ?? [];
    }

    /// <summary>A value that satisfies simple schemas: required properties, defaults, examples, enums, lengths.</summary>
    private static JsonNode? SampleValue(JsonElement schema, string name)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var keyword in new[] { "const", "default" })
        {
            if (schema.TryGetProperty(keyword, out var fixedValue))
            {
                return JsonNode.Parse(fixedValue.GetRawText());
            }
        }

        if ((schema.TryGetProperty("examples", out var choices) || schema.TryGetProperty("enum", out choices))
            && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0)
        {
            return JsonNode.Parse(choices[0].GetRawText());
        }

        var kind = schema.TryGetProperty("type", out var t)
            ? (t.ValueKind == JsonValueKind.Array ? t.EnumerateArray().Select(x => x.GetString()).FirstOrDefault(x => x != "null") : t.GetString())
            : schema.TryGetProperty("properties", out _) ? "object" : "string";
        switch (kind)
        {
            case "object":
                var result = new JsonObject();
                if (schema.TryGetProperty("properties", out var properties))
                {
                    var required = schema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(x => x.GetString()).ToHashSet(StringComparer.Ordinal) : [];
                    foreach (var property in properties.EnumerateObject().Where(p => required.Contains(p.Name)))
                    {
                        result[property.Name] = SampleValue(property.Value, property.Name);
                    }
                }

                return result;
            case "array":
                return new JsonArray();
            case "integer":
            case "number":
                return schema.TryGetProperty("minimum", out var min) ? JsonNode.Parse(min.GetRawText()) : JsonValue.Create(1);
            case "boolean":
                return JsonValue.Create(true);
            default:
                if (name.Contains("path", StringComparison.OrdinalIgnoreCase) || name.Contains("file", StringComparison.OrdinalIgnoreCase))
                {
                    return JsonValue.Create(Path.Combine(Path.GetTempPath(), "fleet-provider-check-" + Guid.NewGuid().ToString("N"), name + ".txt"));
                }

                var length = schema.TryGetProperty("minLength", out var minLength) ? minLength.GetInt32() : 0;
                var text = "fleet check " + name;
                return JsonValue.Create(text.Length >= length ? text : text.PadRight(length, 'x'));
        }
    }

    /// <summary>The sample with one plain string input changed (not a path-like one), to exercise update.</summary>
    public static (JsonObject Inputs, string Field)? Changed(JsonObject inputs, ResourceTypeSchema type)
    {
        var field = inputs
            .Where(p => p.Value is JsonValue v && v.GetValueKind() == JsonValueKind.String)
            .Select(p => p.Key)
            .Where(k => !k.Contains("path", StringComparison.OrdinalIgnoreCase) && !k.Contains("name", StringComparison.OrdinalIgnoreCase))
            .Where(k => !(type.Inputs.TryGetProperty("properties", out var ps) && ps.TryGetProperty(k, out var p) && (p.TryGetProperty("enum", out _) || p.TryGetProperty("pattern", out _))))
            .FirstOrDefault();
        if (field is null)
        {
            return null;
        }

        var copy = (JsonObject)inputs.DeepClone();
        copy[field] = inputs[field]!.GetValue<string>() + " (changed)";
        return (copy, field);
    }
}
