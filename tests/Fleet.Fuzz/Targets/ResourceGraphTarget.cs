using System.Text;
using System.Text.Json;
using Fleet.Engine;
using Fleet.Engine.Errors;
using Fleet.Engine.Graph;

namespace Fleet.Fuzz.Targets;

/// <summary>
/// The resource graph as the engine reads nix's output: JSON, then <see cref="GraphSchemaValidator"/>
/// against schemas/resource-graph.schema.json, then <see cref="ResourceGraph.Parse"/> and the DAG
/// (<see cref="ResourceDag.Build(ResourceGraph)"/>, its order). Clean rejection: <see cref="JsonException"/>
/// from the JSON reader (nix printed no JSON), <see cref="ResourceGraphException"/> from the rest.
/// A graph that passed the schema must parse, or be rejected with a ResourceGraphException. The
/// input is decoded as nix's output is (<see cref="Fleet.Processes.ProcessRunner"/> reads it as
/// UTF-8 text, invalid bytes replaced), so no invalid UTF-8 reaches the parser here either.
/// </summary>
public sealed class ResourceGraphTarget : FuzzTarget
{
    private static readonly GraphSchemaValidator s_validator = new(FleetPaths.Discover().Schema("resource-graph.schema.json"));

    public override string Name => "resource-graph";

    public override string Description => "JSON -> GraphSchemaValidator -> ResourceGraph.Parse -> ResourceDag; rejects with JsonException or ResourceGraphException";

    public override void Run(byte[] input)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(Encoding.UTF8.GetString(input));
        }
        catch (JsonException)
        {
            return;
        }

        using (document)
        {
            try
            {
                s_validator.Validate(document.RootElement);
                var graph = ResourceGraph.Parse(document.RootElement);
                var dag = ResourceDag.Build(graph);
                if (dag.Order().Length != graph.Resources.Count)
                {
                    throw new FuzzFindingException("the DAG's order does not hold every resource once");
                }
            }
            catch (ResourceGraphException)
            {
                // A clean rejection: the message names the resource and field.
            }
        }
    }
}
