using Fleet.Engine.Errors;
using Spectre.Console;

namespace Fleet.Cli;

/// <summary>
/// `--ask-sudo-password`: asks once per run, on the terminal and without echo, before anything
/// starts. The answer goes to providers only through `$/credentials` on their stdin.
/// </summary>
internal static class SudoPasswordPrompt
{
    public static string Ask()
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
        var password = console.Prompt(new TextPrompt<string>("sudo password for the nodes:").Secret(null).AllowEmpty());
        return password.Length > 0 ? password : throw new FleetException("no sudo password was given");
    }
}
