using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fleet.Engine;
using Fleet.Engine.Graph;
using Fleet.Engine.Providers;

namespace Fleet.Cli;

/// <summary>
/// `fleet eval`: prints the fleet's resource graph as JSON, checked against the schema. Inputs
/// the providers declare sensitive (a secret's text) are printed as "(sensitive)" unless
/// `--show-sensitive` asks for them.
/// </summary>
internal static class EvalCommand
{
    private const string Hidden = "(sensitive)";

    private static readonly Option<bool> s_showSensitive = new("--show-sensitive")
    {
        Description = "Print inputs the providers declare sensitive (secrets) instead of \"(sensitive)\"",
    };

    public static Command Create()
    {
        var command = new Command("eval", "Evaluate the fleet and print its resource graph as JSON");
        command.Options.Add(s_showSensitive);
        command.SetAction((parse, cancellationToken) => FleetCli.GuardAsync(async () =>
        {
            var source = FleetOptions.Source(parse);
            var paths = FleetPaths.Discover();
            using var document = await FleetOptions.Evaluator(parse)
                .EvaluateJsonAsync(source, "resourceGraph", cancellationToken).ConfigureAwait(false);
            new GraphSchemaValidator(paths.Schema("resource-graph.schema.json")).Validate(document.RootElement);
            var graph = ResourceGraph.Parse(document.RootElement);
            var printed = JsonNode.Parse(document.RootElement.GetRawText())!;
            if (!parse.GetValue(s_showSensitive))
            {
                await using var providers = new ProviderRegistry(graph.Providers, FleetOptions.Runner(parse));
                await HideSensitiveAsync(printed, providers, cancellationToken).ConfigureAwait(false);
            }

            await using var stdout = Console.OpenStandardOutput();
            await using (var writer = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true }))
            {
                printed.WriteTo(writer);
            }

            await stdout.WriteAsync("\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            return FleetCli.ExitOk;
        }));
        return command;
    }

    /// <summary>Replaces each resource's sensitive inputs, as its provider's schema names them.</summary>
    private static async Task HideSensitiveAsync(JsonNode graph, ProviderRegistry providers, CancellationToken cancellationToken)
    {
        if (graph["resources"] is not JsonObject resources)
        {
            return;
        }

        foreach (var (_, resource) in resources)
        {
            if (resource?["type"]?.GetValue<string>() is not { } type || resource["inputs"] is not JsonObject inputs)
            {
                continue;
            }

            var schema = await providers.GetSchemaAsync(type, cancellationToken).ConfigureAwait(false);
            foreach (var field in schema.SensitiveInputs.Where(inputs.ContainsKey))
            {
                inputs[field] = Hidden;
            }
        }
    }
}
