using System.CommandLine;
using Fleet.Nodes;
using Fleet.Processes;

namespace Fleet.Cli;

/// <summary>`fleet exec --on SEL -- CMD...`: a command on many nodes at once, each line prefixed with its node.</summary>
internal static class ExecCommand
{
    private static readonly Argument<string[]> s_command = new("command") { Description = "The command and its arguments", Arity = ArgumentArity.OneOrMore };

    public static Command Create()
    {
        var command = new Command("exec", "Run a command on the selected nodes, in parallel");
        command.Options.Add(FleetOptions.On);
        command.Options.Add(ApplyCommand.Parallel);
        command.Arguments.Add(s_command);
        command.SetAction((parse, cancellationToken) => FleetCli.GuardAsync(async () =>
        {
            var parallel = ApplyCommand.ParallelLimit(parse);
            var nodes = await NodeAccess.SelectAsync(parse, cancellationToken, "run the command on").ConfigureAwait(false);
            var argv = parse.GetValue(s_command) ?? [];
            var width = nodes.Max(n => n.Name.Length);
            var gate = new Lock();
            await using var ssh = new SshConnections();
            var runner = FleetOptions.Runner(parse);
            var codes = await NodeAccess.ForEachAsync(nodes, parallel, async node =>
            {
                var prefix = node.Name.PadRight(width) + " | ";
                void Write(TextWriter to, string line)
                {
                    lock (gate)
                    {
                        to.WriteLine(prefix + line);
                    }
                }

                if (node.Target.Host is null)
                {
                    Write(Console.Error, "no targetHost: this node is reached only by fleet apply-local on it");
                    return FleetCli.ExitFailed;
                }

                var result = await runner.RunAsync(ssh.Command(node.Target, argv), cancellationToken,
                    line => Write(Console.Out, line), line => Write(Console.Error, line)).ConfigureAwait(false);
                if (!result.Succeeded)
                {
                    Write(Console.Error, $"exited with code {result.ExitCode}");
                }

                return result.ExitCode;
            }).ConfigureAwait(false);
            var failed = codes.Count(c => c != 0);
            if (failed > 0)
            {
                await Console.Error.WriteLineAsync($"{failed} of {nodes.Count} nodes failed").ConfigureAwait(false);
            }

            return failed == 0 ? FleetCli.ExitOk : FleetCli.ExitFailed;
        }));
        return command;
    }
}
