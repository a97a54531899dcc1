using System.CommandLine;
using System.Text.Json;
using Fleet.Engine;
using Fleet.Engine.Graph;

namespace Fleet.Cli;

/// <summary>`fleet eval`: prints the fleet's resource graph as JSON, checked against the schema.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var command = new Command("eval", "Evaluate the fleet and print its resource graph as JSON");
        command.SetAction((parse, cancellationToken) => FleetCli.GuardAsync(async () =>
        {
            var source = FleetOptions.Source(parse);
            var paths = FleetPaths.Discover();
            using var document = await FleetOptions.Evaluator(parse)
                .EvaluateJsonAsync(source, "resourceGraph", cancellationToken).ConfigureAwait(false);
            new GraphSchemaValidator(paths.Schema("resource-graph.schema.json")).Validate(document.RootElement);
            _ = ResourceGraph.Parse(document.RootElement);
            await using var stdout = Console.OpenStandardOutput();
            await using (var writer = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true }))
            {
                document.RootElement.WriteTo(writer);
            }

            await stdout.WriteAsync("\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            return FleetCli.ExitOk;
        }));
        return command;
    }
}
