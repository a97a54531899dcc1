using System.Collections.Immutable;
using System.CommandLine;
using Fleet.Cli.Progress;
using Fleet.Engine.Apply;
using Fleet.Engine.Errors;
using Fleet.Engine.Planning;
using Spectre.Console;

namespace Fleet.Cli;

/// <summary>
/// `fleet apply [PLAN]`: plans (or loads a saved plan, refused if it was edited, made against
/// another state, or planning it again now gives another plan) and makes it so, under the state
/// lock, with live progress.
/// Exit codes: 0 all applied, 1 some failed, 2 usage or configuration error, 130 interrupted.
/// </summary>
internal static class ApplyCommand
{
    public static Argument<string?> PlanFile { get; } = new("plan") { Description = "A plan saved with `fleet plan -o FILE`", Arity = ArgumentArity.ZeroOrOne };

    public static Option<int> Parallel { get; } = new("--parallel", "-p") { Description = "How many resources to apply at once", DefaultValueFactory = _ => 10 };

    public static Option<string?> Goal { get; } = new("--goal")
    {
        Description = "What to do with each node's new system: switch, boot, test, dry-activate or build (default: deployment.goal)",
    };

    public static Option<bool> Reboot { get; } = new("--reboot") { Description = "Reboot nodes after activation" };

    public static Option<bool> TrustOnFirstUse { get; } = new("--trust-on-first-use")
    {
        Description = "Accept the SSH host key of a node seen for the first time and remember it in the fleet's known_hosts (otherwise unknown hosts are refused; a changed key always is)",
    };

    public static Option<bool> Plain { get; } = new("--plain") { Description = "Plain progress lines instead of the live view" };

    public static Option<bool> AskSudoPassword { get; } = new("--ask-sudo-password")
    {
        Description = "Ask once for the sudo password of non-root target users (first deployment, before the deploy user's rule exists)",
    };

    public static Command Create()
    {
        var command = new Command("apply", "Make the fleet match its configuration");
        command.Arguments.Add(PlanFile);
        SelectionOptions.AddTo(command);
        command.Options.Add(Parallel);
        command.Options.Add(Goal);
        command.Options.Add(Reboot);
        command.Options.Add(TrustOnFirstUse);
        command.Options.Add(Plain);
        command.Options.Add(AskSudoPassword);
        command.Options.Add(FleetOptions.Json);
        command.SetAction((parse, cancellationToken) => FleetCli.GuardAsync(() => RunAsync(parse, cancellationToken)));
        return command;
    }

    /// <param name="partial">Another verb's slice of the fleet (upload-secrets); null applies everything selected.</param>
    internal static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken, PartialApply? partial = null)
    {
        var parallel = parse.GetValue(Parallel);
        if (parallel < 1)
        {
            throw new FleetException("--parallel must be at least 1");
        }

        if (parse.GetValue(Goal) is { } goal && goal is not ("switch" or "boot" or "test" or "dry-activate" or "build"))
        {
            throw new FleetException($"--goal {goal}: expected switch, boot, test, dry-activate or build");
        }

        if (parse.GetValue(TrustOnFirstUse))
        {
            // Read by the nixos provider's SSH connections (StrictHostKeyChecking=accept-new).
            Environment.SetEnvironmentVariable("FLEET_SSH_ACCEPT_NEW", "1");
        }

        var credentials = parse.GetValue(AskSudoPassword) ? new Fleet.Protocol.CredentialsParams(await SudoPasswordPrompt.AskAsync(cancellationToken).ConfigureAwait(false)) : null;
        var interruption = Interruption.Current;
        var json = parse.GetValue(FleetOptions.Json);
        var overrides = Overrides(parse);
        await using var session = await FleetSession.OpenAsync(
            parse, cancellationToken, partial is null ? overrides : graph => partial.Graph(overrides(graph)), credentials).ConfigureAwait(false);

        // Mistakes stop here, before the state is created or locked: a tampered or foreign saved
        // plan, a selection that selects nothing, an unknown resource type.
        var saved = partial is null ? LoadSaved(parse, session) : null;
        var scope = saved?.Scope ?? (partial is null ? SelectionOptions.Scope(parse) : new PlanScope(Engine.Graph.NodeSelector.All, [.. session.Graph.Resources.Keys]));
        (partial is null ? scope : new PlanScope(Engine.Graph.NodeSelector.Parse(parse.GetValue(FleetOptions.On)), [])).RequireAllowedToApply(session.Graph);
        await session.CheckAsync(scope, cancellationToken).ConfigureAwait(false);
        await session.CreateStateIfMissingAsync(parse, cancellationToken).ConfigureAwait(false);
        await using var stateLock = await session.State.AcquireLockAsync("apply", cancellationToken).ConfigureAwait(false);
        if (stateLock.RecoveredFrom is { } stale)
        {
            await Console.Error.WriteLineAsync($"recovered a stale lock: {stale.Describe()}").ConfigureAwait(false);
        }

        var plan = partial is null
            ? await PlanOrCheckAsync(parse, session, saved, cancellationToken).ConfigureAwait(false)
            : partial.Plan(await new Planner(session.State, session.Providers).PlanAsync(session.Graph, scope, cancellationToken).ConfigureAwait(false));
        if (!json)
        {
            Console.Write(PlanPrinter.Render(plan));
        }

        if (!plan.HasChanges)
        {
            PrintSummary(new ApplyReport(ImmutableSortedDictionary<string, StepOutcome>.Empty, ImmutableSortedDictionary<string, string>.Empty), plan, json, RunProgress.Start([]));
            return plan.IsComplete ? FleetCli.ExitOk : FleetCli.ExitFailed;
        }

        var runId = await session.State.BeginRunAsync("apply", string.Join(' ', Environment.GetCommandLineArgs().Skip(1)), cancellationToken).ConfigureAwait(false);
        var observer = Observer(parse, json, plan);
        var progress = RunProgress.Start([]);
        var progressGate = new Lock();
        ApplyReport report;
        await using (observer.ConfigureAwait(false))
        {
            void Publish(FleetEvent e)
            {
                lock (progressGate)
                {
                    progress = progress.Apply(e);
                }

                observer.OnEvent(e);
            }

            session.Providers.Log += (_, log) => Publish(FleetEvent.Now(FleetEventKind.Log) with { Resource = log.Resource, Level = log.Level, Text = log.Text });
            session.Providers.Progress += (_, p) => Publish(FleetEvent.Now(FleetEventKind.Progress) with { Resource = p.Resource, Stage = p.Stage, Fraction = p.Fraction });
            Publish(FleetEvent.Now(FleetEventKind.RunStarted) with { Text = plan.Summary });
            // From here the first Ctrl-C lets running steps end; the second cancels them.
            using (interruption.WhileApplying(observer.Say))
            {
                report = await new Applier(session.State, session.Providers, Publish) { Parallelism = parallel }
                    .ApplyAsync(plan, session.Graph, runId, interruption.StopStarting, interruption.Cancelled).ConfigureAwait(false);
            }

            var outcome = interruption.Interrupted ? "interrupted" : report.AllSucceeded ? "succeeded" : "failed";
            Publish(FleetEvent.Now(FleetEventKind.RunFinished) with { Outcome = outcome });
            await session.State.FinishRunAsync(runId, outcome, CancellationToken.None).ConfigureAwait(false);
        }

        PrintSummary(report, plan, json, progress);
        return interruption.Interrupted ? FleetCli.ExitInterrupted : report.AllSucceeded && plan.IsComplete ? FleetCli.ExitOk : FleetCli.ExitFailed;
    }

    /// <summary>Command-line overrides of node inputs, applied to the graph before planning.</summary>
    private static Func<Engine.Graph.ResourceGraph, Engine.Graph.ResourceGraph> Overrides(ParseResult parse) => graph =>
    {
        if (parse.GetValue(Goal) is { } goal)
        {
            graph = graph.WithNodeInput("goal", System.Text.Json.JsonSerializer.SerializeToElement(goal, CliJsonContext.Default.String));
        }

        if (parse.GetValue(Reboot))
        {
            graph = graph.WithNodeInput("reboot", System.Text.Json.JsonSerializer.SerializeToElement(true, CliJsonContext.Default.Boolean));
        }

        return graph;
    };

    /// <summary>The saved plan named on the command line, checked against the state's key; null without one.</summary>
    private static Plan? LoadSaved(ParseResult parse, FleetSession session)
    {
        if (parse.GetValue(PlanFile) is not { } file)
        {
            return null;
        }

        var given = new[]
        {
            (parse.GetValue(FleetOptions.On) is not null, "--on"),
            (parse.GetValue(SelectionOptions.Target) is { Length: > 0 }, "--target"),
            (parse.GetValue(SelectionOptions.NoRefresh), "--no-refresh"),
            (parse.GetValue(Goal) is not null, "--goal"),
            (parse.GetValue(Reboot), "--reboot"),
        }.Where(o => o.Item1).Select(o => o.Item2).ToList();
        return given.Count > 0
            ? throw new FleetException($"{string.Join(", ", given)} cannot be combined with the saved plan {file}: a saved plan is applied as it was made, with the selection it was made with; apply without a plan file to use them")
            : SavedPlan.Read(file, session.State);
    }

    /// <summary>
    /// Plans now; with a saved plan, plans its scope again and refuses unless the fresh plan is
    /// the same, change by change, and the configuration and state are those it was made from.
    /// </summary>
    private static async Task<Plan> PlanOrCheckAsync(ParseResult parse, FleetSession session, Plan? saved, CancellationToken cancellationToken)
    {
        if (saved is null)
        {
            return await new Planner(session.State, session.Providers) { Refresh = !parse.GetValue(SelectionOptions.NoRefresh) }
                .PlanAsync(session.Graph, SelectionOptions.Scope(parse), cancellationToken).ConfigureAwait(false);
        }

        var file = parse.GetValue(PlanFile);
        var fresh = await new Planner(session.State, session.Providers) { Refresh = saved.Refreshed }
            .PlanAsync(session.Graph, saved.Scope, cancellationToken).ConfigureAwait(false);
        var differences = SavedPlan.Differences(saved, fresh);
        var stale = new List<string>();
        if (saved.GraphDigest != fresh.GraphDigest)
        {
            stale.Add("the fleet's configuration changed since it was made");
        }

        if (saved.StateSerial != fresh.StateSerial)
        {
            stale.Add($"the state changed since it was made (serial {saved.StateSerial}, now {fresh.StateSerial})");
        }

        if (stale.Count == 0 && differences.IsEmpty)
        {
            return fresh;
        }

        if (stale.Count == 0)
        {
            stale.Add("what the providers find changed since it was made");
        }

        var detail = differences.IsEmpty ? "" : "; planned again now, these resources differ from the plan:\n" + string.Join('\n', differences.Select(d => "  - " + d));
        throw new FleetException($"the plan in {file} is stale: {string.Join("; ", stale)}{detail}\nNothing was applied; run `fleet plan -o {file}` again and review it.");
    }

    private static IRunObserver Observer(ParseResult parse, bool json, Plan plan)
    {
        if (json)
        {
            return new JsonEventWriter(Console.OpenStandardOutput());
        }

        if (parse.GetValue(Plain) || Console.IsErrorRedirected || Environment.GetEnvironmentVariable("TERM") is null or "dumb")
        {
            return new PlainProgressWriter(Console.Error);
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Error),
            ColorSystem = Environment.GetEnvironmentVariable("NO_COLOR") is { Length: > 0 } ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        });
        return new LiveProgressDisplay(console, RunProgress.Start(plan.Changes.Where(c => c.IsChange).Select(c => new ResourceRow(c.Id, c.Node, c.Action.ToString().ToLowerInvariant()))));
    }

    /// <summary>The summary: counts, then every failure with its message and its last log lines.</summary>
    private static void PrintSummary(ApplyReport report, Plan plan, bool json, RunProgress progress)
    {
        var changed = plan.Changes.Where(c => c.IsChange).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var counts = report.Outcomes.Where(o => changed.Contains(o.Key)).GroupBy(o => o.Value).ToDictionary(g => g.Key, g => g.Count());
        var failed = counts.GetValueOrDefault(StepOutcome.Failed) + plan.Failures.Count;
        var skipped = counts.GetValueOrDefault(StepOutcome.Skipped) + plan.Skipped.Length;
        var line = $"Apply: {counts.GetValueOrDefault(StepOutcome.Succeeded)} succeeded, {failed} failed, " +
            $"{skipped} skipped, {counts.GetValueOrDefault(StepOutcome.NotStarted)} not started.";
        var output = json ? Console.Error : Console.Out;
        output.WriteLine(line);
        foreach (var (id, error) in report.Errors.Concat(plan.Failures).OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  failed {id}: {error}");
            // Last log lines the message does not already quote.
            var lines = progress.Rows.TryGetValue(id, out var row) ? row.Tail.Where(l => !error.Contains(l, StringComparison.Ordinal)).TakeLast(5).ToList() : [];
            foreach (var logLine in lines)
            {
                output.WriteLine($"      | {logLine}");
            }
        }

        foreach (var id in plan.Skipped)
        {
            output.WriteLine($"  skipped {id}: something it depends on cannot be planned");
        }
    }
}
