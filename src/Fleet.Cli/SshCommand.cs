using System.CommandLine;
using Fleet.Engine.Errors;
using Fleet.Nodes;
using Fleet.Providers.NixOS;

namespace Fleet.Cli;

/// <summary>`fleet ssh NODE [-- CMD]`: an interactive SSH session, connected as deployments connect.</summary>
internal static class SshCommand
{
    private static readonly string[] s_tty = ["-t"];
    private static readonly Argument<string> s_node = new("node") { Description = "The node to log in to" };
    private static readonly Argument<string[]> s_command = new("command") { Description = "A command to run instead of a shell", Arity = ArgumentArity.ZeroOrMore };

    public static Command Create()
    {
        var command = new Command("ssh", "Open an SSH session on a node");
        command.Arguments.Add(s_node);
        command.Arguments.Add(s_command);
        command.SetAction((parse, cancellationToken) => FleetCli.GuardAsync(async () =>
        {
            var name = parse.GetValue(s_node)!;
            var graph = await FleetOptions.Evaluator(parse).EvaluateGraphAsync(FleetOptions.Source(parse), cancellationToken).ConfigureAwait(false);
            var node = graph.Nodes.FirstOrDefault(n => n.Node == name)
                ?? throw new FleetException($"no node `{name}` in this fleet (nodes: {string.Join(", ", graph.Nodes.Select(n => n.Node))})");
            var target = SystemInputs.Parse(node.Inputs, node.Id).Target;
            if (target.Host is null)
            {
                throw new FleetException($"node {name} has no targetHost (deployment.targetHost = null): fleet cannot reach it over SSH");
            }

            await using var ssh = new SshConnections();
            // Interactive: a terminal and prompts are fine here, so BatchMode is turned back off.
            var options = ssh.Options(target, fresh: true).Select(a => a == "BatchMode=yes" ? "BatchMode=no" : a);
            var remote = parse.GetValue(s_command) ?? [];
            var spec = Fleet.Processes.ProcessSpec.Create("ssh", [.. options, .. remote.Length == 0 ? s_tty : [], target.Destination, .. remote.Select(Fleet.Processes.ProcessSpec.ShellQuote)]);

            return await FleetOptions.Runner(parse).RunInteractiveAsync(spec, cancellationToken).ConfigureAwait(false);
        }));
        return command;
    }
}
