using System.Collections.Immutable;
using System.CommandLine;
using Fleet.Engine.Errors;
using Fleet.Engine.Graph;
using Fleet.Engine.Planning;
using Fleet.Protocol;

namespace Fleet.Cli;

/// <summary>
/// `fleet upload-secrets [--on SEL]` (or `upload-keys`, or `apply keys`): sends the selected nodes' secrets again, and nothing else
/// (after a reboot emptied /run/keys, say). An apply restricted to their secret.file resources,
/// each one uploaded whatever the plan found.
/// </summary>
internal static class UploadSecretsCommand
{
    public static Command Create()
    {
        var command = new Command("upload-secrets", "Upload the selected nodes' secrets again (nothing else changes)");
        // Colmena's name for it (`colmena upload-keys`); also `fleet apply keys`.
        command.Aliases.Add("upload-keys");
        command.Options.Add(FleetOptions.On);
        command.Options.Add(ApplyCommand.Parallel);
        command.Options.Add(ApplyCommand.TrustOnFirstUse);
        command.Options.Add(ApplyCommand.Plain);
        command.Options.Add(ApplyCommand.AskSudoPassword);
        command.Options.Add(FleetOptions.Json);
        command.SetAction((parse, cancellationToken) => FleetCli.GuardAsync(() =>
            ApplyCommand.RunAsync(parse, cancellationToken, Partial(parse))));
        return command;
    }

    /// <summary>The slice of the fleet this verb applies: the selected nodes' secrets, each sent again.</summary>
    internal static PartialApply Partial(ParseResult parse) => new(graph => Secrets(graph, parse), ResendAll);

    private static ResourceGraph Secrets(ResourceGraph graph, ParseResult parse)
    {
        var selector = NodeSelector.Parse(parse.GetValue(FleetOptions.On));
        selector.RequireMatches(graph);
        var nodes = selector.SelectNodes(graph).Select(n => n.Node).ToHashSet(StringComparer.Ordinal);
        var secrets = graph.Resources.Values
            .Where(r => r.Type == "secret.file" && r.Node is not null && nodes.Contains(r.Node))
            .ToImmutableSortedDictionary(r => r.Id, r => r with { DependsOn = [] }, StringComparer.Ordinal);
        return secrets.IsEmpty
            ? throw new FleetException("the selected nodes have no secrets (deployment.secrets)")
            : graph with { Resources = secrets };
    }

    private static Plan ResendAll(Plan plan) => plan with
    {
        Changes = [.. plan.Changes.Select(c => c.Action == PlanAction.Noop ? c with { Action = PlanAction.Update, Reason = "sent again (upload-secrets)" } : c)],
    };
}
