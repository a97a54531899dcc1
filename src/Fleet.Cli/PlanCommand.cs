using System.CommandLine;
using Fleet.Engine.Planning;

namespace Fleet.Cli;

/// <summary>
/// `fleet plan`: what apply would change, as text, as JSON, or saved to a file (with a MAC, see
/// <see cref="SavedPlan"/>). Plan never creates a state, except to sign a saved plan.
/// </summary>
internal static class PlanCommand
{
    public static Option<string?> Out { get; } = new("--out", "-o") { Description = "Save the plan to FILE for `fleet apply FILE`" };

    /// <summary>Terraform's convention, for scripts: 0 no changes, 2 changes, 1 an error (or a resource that cannot be planned).</summary>
    public static Option<bool> DetailedExitCode { get; } = new("--detailed-exitcode")
    {
        Description = "Exit 0 when there is nothing to change, 2 when there are changes, 1 on an error",
    };

    public static Option<bool> Detailed { get; } = new("--detailed")
    {
        Description = "Build each changed node's system and copy it there, to show the units its activation would stop, restart, reload and start (changes nothing the node runs)",
    };

    public static Command Create()
    {
        var command = new Command("plan", "Show what apply would change");
        SelectionOptions.AddTo(command);
        command.Options.Add(FleetOptions.Json);
        command.Options.Add(Out);
        command.Options.Add(DetailedExitCode);
        command.Options.Add(Detailed);
        // With --detailed-exitcode, 2 means "changes", so a usage or configuration error is 1 there.
        command.SetAction((parse, cancellationToken) => FleetCli.GuardAsync(() => RunAsync(parse, cancellationToken), errorsAreOne: parse.GetValue(DetailedExitCode)));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        await using var session = await FleetSession.OpenAsync(parse, cancellationToken).ConfigureAwait(false);
        var scope = SelectionOptions.Scope(parse);
        await session.CheckAsync(scope, cancellationToken).ConfigureAwait(false);
        if (parse.GetValue(Out) is not null)
        {
            // A saved plan is signed with the state's key, so saving one needs a state.
            await session.CreateStateIfMissingAsync(parse, cancellationToken).ConfigureAwait(false);
        }
        else if (session.State.IsEphemeral)
        {
            await Console.Error.WriteLineAsync($"no state at {session.State.Path} yet: planning as if nothing was deployed (plan creates no state)").ConfigureAwait(false);
        }

        var plan = await new Planner(session.State, session.Providers) { Refresh = !parse.GetValue(SelectionOptions.NoRefresh), Describe = true, Detailed = parse.GetValue(Detailed) }
            .PlanAsync(session.Graph, scope, cancellationToken).ConfigureAwait(false);
        if (parse.GetValue(Out) is { } file)
        {
            try
            {
                await File.WriteAllBytesAsync(file, SavedPlan.Serialize(plan, session.State), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new Engine.Errors.FleetException($"cannot save the plan to {file}: {e.Message}", e);
            }

            await Console.Error.WriteLineAsync($"saved the plan to {file}; apply it with `fleet apply {file}`").ConfigureAwait(false);
        }

        if (parse.GetValue(FleetOptions.Json))
        {
            await using var stdout = Console.OpenStandardOutput();
            plan.WriteTo(stdout);
            await stdout.WriteAsync("\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            Console.Write(PlanPrinter.Render(plan, parse.GetValue(FleetOptions.Verbose)));
        }

        return !plan.IsComplete ? FleetCli.ExitFailed
            : parse.GetValue(DetailedExitCode) && plan.HasChanges ? FleetCli.ExitPlanHasChanges
            : FleetCli.ExitOk;
    }
}
