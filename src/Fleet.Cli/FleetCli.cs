using System.CommandLine;
using System.CommandLine.Completions;
using System.CommandLine.Invocation;
using Fleet.Engine.Errors;
using Spectre.Console;

namespace Fleet.Cli;

/// <summary>
/// The `fleet` command line: builds the verbs and turns failures into exit codes. User errors
/// are one clear paragraph on stderr; anything else is a bug and keeps its stack trace.
/// </summary>
public static class FleetCli
{
    public const int ExitOk = 0;
    public const int ExitFailed = 1;
    public const int ExitUsage = 2;

    /// <summary>`fleet plan --detailed-exitcode`: the plan has changes (every error is then 1).</summary>
    public const int ExitPlanHasChanges = 2;
    public const int ExitBug = 70;
    public const int ExitInterrupted = 130;

    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("fleet: deploy and keep fleets of NixOS machines")
        {
            EvalCommand.Create(),
            NodesCommand.Create(),
            PlanCommand.Create(),
            ApplyCommand.Create(),
            BuildCommand.Create(),
            ApplyLocalCommand.Create(),
            UploadSecretsCommand.Create(),
            StatusCommand.Create(),
            RollbackCommand.Create(),
            ExecCommand.Create(),
            SshCommand.Create(),
            KnownHostsCommand.Create(),
            ProviderCommand.Create(),
            StateCommand.Create(),
            CompletionCommand.Create(),
        };
        // DOS-style help aliases only clutter the completions a Linux shell shows.
        foreach (var help in root.Options.OfType<System.CommandLine.Help.HelpOption>())
        {
            help.Aliases.Remove("/h");
            help.Aliases.Remove("/?");
        }

        root.Options.Add(FleetOptions.File);
        root.Options.Add(FleetOptions.Nixpkgs);
        root.Options.Add(FleetOptions.OverrideInput);
        root.Options.Add(FleetOptions.NixosConfigurations);
        root.Options.Add(FleetOptions.State);
        root.Options.Add(FleetOptions.Verbose);
        root.Options.Add(FleetOptions.ShowTrace);
        // `--on @tag` must not be read as a response file.
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        // `fleet [suggest:N] "LINE"` (what `fleet completion`'s scripts call) completes a line that is unfinished by nature.
        var suggesting = root.Directives.OfType<SuggestDirective>().FirstOrDefault() is { } suggest && parse.Action == suggest.Action;
        if (!suggesting && UsageErrors.Describe(parse) is { } usage)
        {
            Console.Error.WriteLine(usage);
            // `plan --detailed-exitcode` keeps 2 for "changes": every error is 1 there.
            return parse.CommandResult.Command.Name == "plan" && args.Contains("--detailed-exitcode", StringComparer.Ordinal) ? ExitFailed : ExitUsage;
        }

        FleetOptions.ExportKnownHosts(parse);
        // fleet handles SIGINT/SIGTERM itself (Interruption): state must be written before exit,
        // and every verb's work is cancelled through the interruption's token.
        var interruption = Interruption.Current;
        Interruptible(root, interruption);
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return ExitInterrupted;
        }
    }

    /// <summary>Every verb runs with the interruption's token, and exits 130 once interrupted.</summary>
    private static void Interruptible(Command command, Interruption interruption)
    {
        if (command.Action is AsynchronousCommandLineAction action)
        {
            command.Action = new InterruptibleAction(action, interruption);
        }

        foreach (var sub in command.Subcommands)
        {
            Interruptible(sub, interruption);
        }
    }

    /// <summary>Runs one verb's body, mapping exceptions to messages and exit codes.</summary>
    /// <param name="errorsAreOne">Every error exits 1, usage errors too (`plan --detailed-exitcode`, where 2 means changes).</param>
    public static async Task<int> GuardAsync(Func<Task<int>> body, bool errorsAreOne = false)
    {
        ArgumentNullException.ThrowIfNull(body);
        int Error(int code) => errorsAreOne && code == ExitUsage ? ExitFailed : code;
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            if (!Interruption.Current.Interrupted)
            {
                Console.Error.WriteLine("interrupted");
            }

            return ExitInterrupted;
        }
        catch (FleetException e)
        {
            Console.Error.WriteLine("error: " + e.Message);
            return Error(e.ExitCode);
        }
        catch (Fleet.State.StateException e)
        {
            Console.Error.WriteLine("error: " + e.Message);
            return Error(ExitUsage);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Console.Error.WriteLine("fleet: internal error (this is a bug, please report it):");
            Console.Error.WriteLine(e.ToString());
            return ExitBug;
        }
    }

    internal static IAnsiConsole Stdout { get; } = CreateStdout();

    private static IAnsiConsole CreateStdout()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Out),
            ColorSystem = Environment.GetEnvironmentVariable("NO_COLOR") is { Length: > 0 } ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        });
        if (Console.IsOutputRedirected)
        {
            // A pipe or a file has no width: tables keep their rows on one line instead of wrapping at 80 columns.
            console.Profile.Width = 200;
        }

        return console;
    }

    private sealed class InterruptibleAction(AsynchronousCommandLineAction inner, Interruption interruption) : AsynchronousCommandLineAction
    {
        public override async Task<int> InvokeAsync(ParseResult parseResult, CancellationToken cancellationToken = default)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, interruption.Cancelled);
            var code = await inner.InvokeAsync(parseResult, linked.Token).ConfigureAwait(false);
            return interruption.Interrupted ? ExitInterrupted : code;
        }
    }
}
