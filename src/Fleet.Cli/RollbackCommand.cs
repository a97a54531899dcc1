using System.CommandLine;
using Fleet.Nodes;
using Fleet.Processes;

namespace Fleet.Cli;

/// <summary>
/// `fleet rollback --on SEL`: each selected node's agent switches back to the exact system it ran
/// before its last deployment. The next plan shows those nodes as drifted from the configuration.
/// Without --on it rolls back every node only when a person at a terminal says so; elsewhere it is
/// refused, and `--on '*'` says every node.
/// </summary>
internal static class RollbackCommand
{
    public static Command Create()
    {
        var command = new Command("rollback", "Switch the selected nodes back to their previous system");
        command.Options.Add(FleetOptions.On);
        command.SetAction((parse, cancellationToken) => FleetCli.GuardAsync(async () =>
        {
            var nodes = await NodeAccess.SelectAsync(parse, cancellationToken, "roll back", allOnlyWhenConfirmed: true).ConfigureAwait(false);
            await using var ssh = new SshConnections();
            var runner = FleetOptions.Runner(parse);
            var results = await NodeAccess.ForEachAsync(nodes, 16, async node =>
            {
                if (node.Target.Host is null)
                {
                    return (node.Name, Ok: false, Text: "no targetHost: it can only be reached by fleet apply-local on the node itself");
                }

                if (node.AgentExecutable is not { } agent)
                {
                    return (node.Name, Ok: false, Text: "fleet has not deployed this node yet (no agent recorded in state)");
                }

                var result = await runner.RunAsync(ssh.Command(node.Target, [.. node.Target.Privileged(), agent, "rollback"]), cancellationToken).ConfigureAwait(false);
                var text = ProcessResult.LastLine(result.StandardOutput + "\n" + result.StandardError);
                return (node.Name, Ok: result.Succeeded || result.ExitCode == 16, Text: text);
            }).ConfigureAwait(false);
            foreach (var (name, ok, text) in results)
            {
                Console.WriteLine($"{name}: {(ok ? "rolled back" : "failed")}: {text}");
            }

            return results.All(r => r.Ok) ? FleetCli.ExitOk : FleetCli.ExitFailed;
        }));
        return command;
    }
}
