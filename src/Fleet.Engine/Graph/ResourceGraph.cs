using System.Collections.Immutable;
using System.Text.Json;
using Fleet.Engine.Errors;

namespace Fleet.Engine.Graph;

/// <summary>
/// The whole fleet as the Nix modules declared it: every resource by id. Parsed from the JSON
/// that nix-modules/fleet emits, after it has passed schemas/resource-graph.schema.json.
/// </summary>
public sealed record ResourceGraph(string Fleet, ImmutableSortedDictionary<string, Resource> Resources)
{
    public ImmutableSortedDictionary<string, ProviderDeclaration> Providers { get; init; } =
        ImmutableSortedDictionary<string, ProviderDeclaration>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>meta.description: a short description of the fleet ("" when not given).</summary>
    public string Description { get; init; } = "";

    /// <summary>meta.allowApplyAll: false refuses an apply that selects nothing (every node).</summary>
    public bool AllowApplyAll { get; init; } = true;

    public const int SchemaVersion = 1;

    public IEnumerable<Resource> Nodes => Resources.Values.Where(r => r.Type == "nixos.system");

    public static ResourceGraph Parse(JsonElement root)
    {
        var fleet = root.GetProperty("fleet").GetString()!;
        var builder = ImmutableSortedDictionary.CreateBuilder<string, Resource>(StringComparer.Ordinal);
        foreach (var entry in root.GetProperty("resources").EnumerateObject())
        {
            var r = entry.Value;
            var node = r.TryGetProperty("node", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
            builder[entry.Name] = new Resource(
                entry.Name,
                r.GetProperty("type").GetString()!,
                node,
                r.GetProperty("inputs").Clone(),
                [.. r.GetProperty("dependsOn").EnumerateArray().Select(d => d.GetString()!)]);
        }

        var providers = ImmutableSortedDictionary.CreateBuilder<string, ProviderDeclaration>(StringComparer.Ordinal);
        if (root.TryGetProperty("providers", out var declared))
        {
            foreach (var p in declared.EnumerateObject())
            {
                // No command: the built-in provider of that name, with the declared timeout.
                var timeout = p.Value.TryGetProperty("timeout", out var t) ? TimeSpan.FromSeconds(Timeout(p.Name, t)) : ProviderDeclaration.DefaultTimeout;
                providers[p.Name] = new ProviderDeclaration(
                    p.Name,
                    p.Value.TryGetProperty("command", out var command) ? [.. command.EnumerateArray().Select(a => a.GetString()!)] : [],
                    timeout);
            }
        }

        var graph = new ResourceGraph(fleet, builder.ToImmutable())
        {
            Providers = providers.ToImmutable(),
            Description = root.TryGetProperty("description", out var description) && description.ValueKind == JsonValueKind.String ? description.GetString()! : "",
            AllowApplyAll = !root.TryGetProperty("allowApplyAll", out var all) || all.ValueKind != JsonValueKind.False,
        };
        graph.CheckReferences();
        return graph;
    }

    /// <summary>
    /// A provider's timeout in seconds: the schema allows any integer from 1 (also one written 1.0),
    /// a TimeSpan and a timer take at most about 49 days.
    /// </summary>
    private static int Timeout(string provider, JsonElement value) =>
        value.TryGetDouble(out var seconds) && seconds == Math.Floor(seconds) && seconds is >= 1 and <= MaxProviderTimeout
            ? (int)seconds
            : throw new ResourceGraphException([$"provider {provider}: timeout: wants whole seconds from 1 to {MaxProviderTimeout}, not {value.GetRawText()}"]);

    /// <summary>The longest provider timeout, in seconds (30 days).</summary>
    public const int MaxProviderTimeout = 30 * 24 * 3600;

    /// <summary>
    /// The graph with one input of every nixos.system resource set to a value (a command-line
    /// override such as `--goal boot` or `--reboot`).
    /// </summary>
    public ResourceGraph WithNodeInput(string name, JsonElement value) => WithNodeInput(name, _ => value);

    /// <summary>The graph with one input of every nixos.system resource set to a value of its own (`--keep-result`'s root per node).</summary>
    public ResourceGraph WithNodeInput(string name, Func<Resource, JsonElement> valueOf)
    {
        ArgumentNullException.ThrowIfNull(valueOf);
        var resources = Resources;
        foreach (var node in Nodes)
        {
            var inputs = System.Text.Json.Nodes.JsonNode.Parse(node.Inputs.GetRawText())!.AsObject();
            inputs[name] = System.Text.Json.Nodes.JsonNode.Parse(valueOf(node).GetRawText());
            resources = resources.SetItem(node.Id, node with { Inputs = JsonSerializer.SerializeToElement(inputs, EngineJsonContext.Default.JsonObject) });
        }

        return this with { Resources = resources };
    }

    /// <summary>Every dependency of a resource: dependsOn plus each {"$ref": id} inside its inputs.</summary>
    public static ImmutableArray<string> DependenciesOf(Resource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var found = new SortedSet<string>(resource.DependsOn, StringComparer.Ordinal);
        CollectReferences(resource.Inputs, found);
        return [.. found];
    }

    private static void CollectReferences(JsonElement element, SortedSet<string> found)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                if (element.TryGetProperty("$ref", out var target) && target.ValueKind == JsonValueKind.String)
                {
                    found.Add(target.GetString()!);
                    return;
                }

                foreach (var property in element.EnumerateObject())
                {
                    CollectReferences(property.Value, found);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    CollectReferences(item, found);
                }

                break;
            default:
                break;
        }
    }

    private void CheckReferences()
    {
        var problems = new List<string>();
        foreach (var resource in Resources.Values)
        {
            foreach (var dependency in DependenciesOf(resource))
            {
                if (!Resources.ContainsKey(dependency))
                {
                    problems.Add($"resource {resource.Id}: depends on `{dependency}`, which is not a resource of this fleet");
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new ResourceGraphException(problems);
        }
    }
}
