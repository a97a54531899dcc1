using System.Text.Json;
using Fleet.Engine.Errors;
using Json.Schema;

namespace Fleet.Engine.Graph;

/// <summary>Checks evaluated JSON against schemas/resource-graph.schema.json, naming resource and field.</summary>
public sealed class GraphSchemaValidator
{
    private readonly JsonSchema _schema;

    public GraphSchemaValidator(string schemaPath)
    {
        _schema = SchemaCatalog.Load(schemaPath);
    }

    public void Validate(JsonElement graph)
    {
        var results = _schema.Evaluate(graph, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return;
        }

        var problems = (results.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => Describe(d.InstanceLocation.ToString(), e.Value)))
            .Distinct()
            .ToList();
        if (problems.Count == 0)
        {
            problems.Add("the graph does not match schemas/resource-graph.schema.json");
        }

        throw new ResourceGraphException(problems);
    }

    /// <summary>"/resources/node.web/inputs/targetPort" becomes "resource node.web: inputs.targetPort: ...".</summary>
    internal static string Describe(string pointer, string error)
    {
        var parts = pointer.Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))
            .ToArray();
        if (parts.Length >= 2 && parts[0] == "resources")
        {
            var field = string.Join('.', parts.Skip(2));
            return field.Length > 0
                ? $"resource {parts[1]}: {field}: {error}"
                : $"resource {parts[1]}: {error}";
        }

        return parts.Length == 0 ? error : $"{string.Join('.', parts)}: {error}";
    }
}
