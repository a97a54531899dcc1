using Fleet.Engine.Errors;
using Fleet.Processes;
using Spectre.Console;

namespace Fleet.Cli;

/// <summary>
/// `--ask-sudo-password`: asks once per run, on the terminal and without echo, before anything
/// starts. The answer goes to providers only through `$/credentials` on their stdin.
/// </summary>
internal static class SudoPasswordPrompt
{
    public static async Task<string> AskAsync(CancellationToken cancellationToken)
    {
        if (Console.IsInputRedirected)
        {
            throw new FleetException("--ask-sudo-password needs a terminal to ask on, but standard input is not one");
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Error),
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.Yes,
        });

        // Echo goes off before the prompt shows: whatever is typed from then on, even ahead of
        // the read, is never printed by the terminal.
        var runner = new ProcessRunner();
        await runner.RunInteractiveAsync(ProcessSpec.Create("stty", "-echo"), cancellationToken).ConfigureAwait(false);
        string password;
        try
        {
            password = await console.PromptAsync(new TextPrompt<string>("sudo password for the nodes:").Secret(null).AllowEmpty(), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await runner.RunInteractiveAsync(ProcessSpec.Create("stty", "echo"), CancellationToken.None).ConfigureAwait(false);
        }

        return password.Length > 0 ? password : throw new FleetException("no sudo password was given");
    }
}
