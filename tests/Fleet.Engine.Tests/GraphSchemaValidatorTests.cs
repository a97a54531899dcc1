using System.Text.Json;
using Fleet.Engine.Errors;
using Fleet.Engine.Graph;

namespace Fleet.Engine.Tests;

public sealed class GraphSchemaValidatorTests
{
    private static readonly GraphSchemaValidator s_validator =
        new(FleetPaths.Discover().Schema("resource-graph.schema.json"));

    [Fact]
    public void A_bad_field_is_reported_with_its_resource_and_path()
    {
        using var graph = JsonDocument.Parse("""
            {"version":1,"fleet":"f","resources":{"node.web":{"type":"nixos.system","node":"web","dependsOn":[],
              "inputs":{"drvPath":"/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-x.drv","targetHost":"web","targetPort":70000,
              "targetUser":"root","sshOptions":[],"tags":[]}}}}
            """);

        var error = Assert.Throws<ResourceGraphException>(() => s_validator.Validate(graph.RootElement));

        Assert.Contains(error.Problems, p => p.StartsWith("resource node.web: inputs.targetPort:", StringComparison.Ordinal));
    }

    [Fact]
    public void A_type_without_a_provider_prefix_is_rejected()
    {
        using var graph = JsonDocument.Parse("""
            {"version":1,"fleet":"f","resources":{"r":{"type":"file","dependsOn":[],"inputs":{}}}}
            """);

        var error = Assert.Throws<ResourceGraphException>(() => s_validator.Validate(graph.RootElement));

        Assert.Contains(error.Problems, p => p.StartsWith("resource r: type:", StringComparison.Ordinal));
    }

    [Fact]
    public void A_valid_graph_passes()
    {
        using var graph = JsonDocument.Parse("""
            {"version":1,"fleet":"f","resources":{"r":{"type":"local.file","node":null,"dependsOn":[],"inputs":{"path":"/x"}}}}
            """);

        s_validator.Validate(graph.RootElement);
        Assert.Single(ResourceGraph.Parse(graph.RootElement).Resources);
    }
}
