using System.CommandLine;
using Fleet.Engine.Graph;
using Fleet.Nodes;
using Fleet.Providers.NixOS;
using Fleet.State;

namespace Fleet.Cli;

/// <summary>One selected node as the node verbs (status, exec, ssh, rollback) reach it.</summary>
/// <param name="DrvPath">The derivation of the system the configuration says the node runs.</param>
internal sealed record NodeHandle(string Name, SshTarget Target, string? AgentPath, string? DrvPath = null)
{
    public string? AgentExecutable => AgentPath is null ? null : AgentBundle.Executable(AgentPath);
}

/// <summary>
/// Finds the selected nodes and how to reach them: targets from the evaluated fleet, the agent's
/// store path from the state (the nixos provider records it). SSH goes through the nixos
/// provider's library, so the verbs and deployments connect the same way.
/// </summary>
internal static class NodeAccess
{
    /// <param name="changing">
    /// What a verb that changes the nodes does to them ("roll back"): then no --on on a fleet
    /// with meta.allowApplyAll = false is refused. Null for a verb that only reads (status).
    /// </param>
    /// <param name="allOnlyWhenConfirmed">
    /// No --on selects every node only once a person at a terminal says yes; elsewhere it is
    /// refused, and `--on '*'` says every node (rollback).
    /// </param>
    public static async Task<IReadOnlyList<NodeHandle>> SelectAsync(
        ParseResult parse, CancellationToken cancellationToken, string? changing = null, bool allOnlyWhenConfirmed = false)
    {
        var graph = await FleetOptions.Evaluator(parse).EvaluateGraphAsync(FleetOptions.Source(parse), cancellationToken).ConfigureAwait(false);
        var selector = NodeSelector.Parse(parse.GetValue(FleetOptions.On));
        selector.RequireMatches(graph);
        var selected = selector.SelectNodes(graph).ToList();
        if (selected.Count == 0)
        {
            throw new Engine.Errors.FleetException($"fleet {graph.Fleet} has no nodes");
        }

        if (changing is not null)
        {
            new Engine.Planning.PlanScope(selector, []).RequireAllowedToApply(graph, changing);
        }

        if (allOnlyWhenConfirmed && selector.Terms.IsEmpty)
        {
            await ConfirmAllAsync(graph, selected, changing ?? "change", cancellationToken).ConfigureAwait(false);
        }

        IReadOnlyDictionary<string, ResourceState> stored = new Dictionary<string, ResourceState>();
        if (await StateAccess.OpenExistingAsync(parse, cancellationToken).ConfigureAwait(false) is { } state)
        {
            await using (state.ConfigureAwait(false))
            {
                stored = await state.LoadResourcesAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return [.. selected.Select(n =>
        {
            var inputs = SystemInputs.Parse(n.Inputs, n.Id);
            var agentPath = stored.TryGetValue(n.Id, out var s) ? Fleet.Protocol.JsonFields.String(s.Outputs, "agentPath") : null;
            return new NodeHandle(n.Node!, inputs.Target, agentPath, inputs.DrvPath);
        })];
    }

    /// <summary>Asks before every node is changed for want of a selection; refuses where no one can answer.</summary>
    private static async Task ConfirmAllAsync(ResourceGraph graph, IReadOnlyList<Resource> nodes, string verb, CancellationToken cancellationToken)
    {
        var names = nodes.Select(n => n.Node!).ToList();
        var listed = names.Count <= 8 ? string.Join(", ", names) : $"{string.Join(", ", names.Take(8))}, … ({names.Count} in all)";
        var what = $"every node of fleet {graph.Fleet} ({listed})";
        if (!Confirmation.CanAsk)
        {
            throw new Engine.Errors.FleetException(
                $"no --on given: this would {verb} {what}. Name the nodes with --on (names, globs, @tags), or give --on '*' to {verb} every node. Nothing was done.");
        }

        if (!await Confirmation.AskAsync($"No --on given: {verb} {what}?", cancellationToken).ConfigureAwait(false))
        {
            throw new DeclinedException();
        }
    }

    /// <summary>Runs a function for every node at once, at most `parallel` at a time.</summary>
    public static async Task<T[]> ForEachAsync<T>(IReadOnlyList<NodeHandle> nodes, int parallel, Func<NodeHandle, Task<T>> body)
    {
        using var gate = new SemaphoreSlim(parallel);
        return await Task.WhenAll(nodes.Select(async node =>
        {
            await gate.WaitAsync().ConfigureAwait(false);
            try
            {
                return await body(node).ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        })).ConfigureAwait(false);
    }
}
