using System.CommandLine;
using System.Text.Json;
using Fleet.Engine.Graph;
using Spectre.Console;

namespace Fleet.Cli;

/// <summary>
/// `fleet nodes`: the fleet's nodes with their SSH targets and tags. `fleet nodes --complete`
/// (hidden) is what the shell completion of `--on` calls: node names and @tags, one a line, from
/// the nodes' deployment.tags alone (no system is evaluated), and nothing at all on an error.
/// </summary>
internal static class NodesCommand
{
    private static readonly Option<bool> s_complete = new("--complete") { Hidden = true };

    /// <summary>Each node's name and tags, reading no more of its configuration than deployment.tags.</summary>
    private const string NamesAndTags = "{ nodes, lib, ... }: lib.mapAttrs (_: node: node.config.deployment.tags or [ ]) nodes";

    public static Command Create()
    {
        var command = new Command("nodes", "List the fleet's nodes with their targets and tags")
        {
            FleetOptions.On,
            FleetOptions.Json,
            s_complete,
        };
        command.SetAction((parse, cancellationToken) => FleetCli.GuardAsync(async () =>
        {
            if (parse.GetValue(s_complete))
            {
                return await CompleteAsync(parse, cancellationToken).ConfigureAwait(false);
            }

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

    private static async Task<int> CompleteAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        string json;
        try
        {
            json = await FleetOptions.Evaluator(parse)
                .IntrospectAsync(FleetOptions.Source(parse), NamesAndTags, instantiate: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Engine.Errors.FleetException)
        {
            // A shell completing a word has nowhere to show an error: no candidates say enough.
            return FleetCli.ExitFailed;
        }

        var nodes = JsonSerializer.Deserialize(json, CliJsonContext.Default.DictionaryStringStringArray) ?? [];
        var words = nodes.Keys.Order(StringComparer.Ordinal)
            .Concat(nodes.Values.SelectMany(t => t).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(t => "@" + t));
        Console.Out.Write(string.Concat(words.Select(w => w + "\n")));
        return FleetCli.ExitOk;
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
