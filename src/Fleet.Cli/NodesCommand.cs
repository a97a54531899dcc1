using System.CommandLine;
using System.Text.Json;
using Fleet.Engine.Graph;
using Spectre.Console;

namespace Fleet.Cli;

/// <summary>`fleet nodes`: the fleet's nodes with their SSH targets and tags.</summary>
internal static class NodesCommand
{
    public static Command Create()
    {
        var command = new Command("nodes", "List the fleet's nodes with their targets and tags")
        {
            FleetOptions.On,
            FleetOptions.Json,
        };
        command.SetAction((parse, cancellationToken) => FleetCli.GuardAsync(async () =>
        {
            var graph = await FleetOptions.Evaluator(parse)
                .EvaluateGraphAsync(FleetOptions.Source(parse), cancellationToken).ConfigureAwait(false);
            var selector = NodeSelector.Parse(parse.GetValue(FleetOptions.On));
            selector.RequireMatches(graph);
            var nodes = selector.SelectNodes(graph).ToList();
            if (parse.GetValue(FleetOptions.Json))
            {
                var rows = nodes.Select(n => new NodeRow(
                    n.Node!, Target(n), n.InputString("targetUser") ?? "(ssh's default)", [.. n.InputStrings("tags")]));
                Console.WriteLine(JsonSerializer.Serialize(rows, CliJsonContext.Default.IEnumerableNodeRow));
                return FleetCli.ExitOk;
            }

            var table = new Table().Border(TableBorder.Simple).AddColumns("NODE", "TARGET", "USER", "TAGS");
            foreach (var n in nodes)
            {
                table.AddRow(
                    Markup.Escape(n.Node!),
                    Markup.Escape(Target(n)),
                    Markup.Escape(n.InputString("targetUser") ?? "(ssh's default)"),
                    Markup.Escape(string.Join(' ', n.InputStrings("tags").Select(t => "@" + t))));
            }

            FleetCli.Stdout.Write(table);
            return FleetCli.ExitOk;
        }));
        return command;
    }

    private static string Target(Resource node)
    {
        // deployment.targetHost defaults to the node's name; null means apply-local only.
        if (node.InputString("targetHost") is not { } host)
        {
            return "(none: apply-local only)";
        }

        return node.Inputs.TryGetProperty("targetPort", out var port) && port.ValueKind == JsonValueKind.Number
            ? $"{host}:{port.GetInt32()}"
            : host;
    }
}

internal sealed record NodeRow(string Name, string Target, string User, string[] Tags);
