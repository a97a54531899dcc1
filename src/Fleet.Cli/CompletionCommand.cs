using System.CommandLine;

namespace Fleet.Cli;

/// <summary>`fleet completion bash|zsh|fish`: prints the shell's completion script (see <see cref="CompletionScripts"/>).</summary>
internal static class CompletionCommand
{
    private static readonly Argument<string> s_shell = CreateShell();

    public static Command Create()
    {
        var command = new Command("completion", "Print a shell completion script: verbs, options, goals, and node names and @tags for --on");
        command.Arguments.Add(s_shell);
        command.SetAction((parse, cancellationToken) => FleetCli.GuardAsync(async () =>
        {
            var script = parse.GetValue(s_shell) switch
            {
                "bash" => CompletionScripts.Bash,
                "zsh" => CompletionScripts.Zsh,
                _ => CompletionScripts.Fish,
            };
            await Console.Out.WriteAsync(script.AsMemory(), cancellationToken).ConfigureAwait(false);
            return FleetCli.ExitOk;
        }));
        return command;
    }

    private static Argument<string> CreateShell()
    {
        var shell = new Argument<string>("shell") { Description = "bash, zsh or fish" };
        shell.AcceptOnlyFromAmong("bash", "zsh", "fish");
        return shell;
    }
}
