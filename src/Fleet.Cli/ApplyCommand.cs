using System.Collections.Immutable;
using System.CommandLine;
using System.Text.Json;
using Fleet.Cli.Progress;
using Fleet.Engine.Apply;
using Fleet.Engine.Errors;
using Fleet.Engine.Graph;
using Fleet.Engine.Planning;
using Spectre.Console;

namespace Fleet.Cli;

/// <summary>
/// `fleet apply [GOAL|PLAN]`: plans (or loads a saved plan, refused if it was edited, made against
/// another state, or planning it again now gives another plan) and makes it so, under the state
/// lock, with live progress. A goal word in place of the plan is Colmena's `colmena apply boot`.
/// Exit codes: 0 all applied, 1 some failed, 2 usage or configuration error, 130 interrupted.
/// </summary>
internal static class ApplyCommand
{
    /// <summary>A goal word (switch, boot, ..., keys) or, failing that, a saved plan's file (`./switch` for a plan so named).</summary>
    public static Argument<string?> GoalOrPlan { get; } = CreateGoalOrPlan();

    public static Option<int> Parallel { get; } = new("--parallel", "-p") { Description = "How many resources (exec: nodes) to work on at once; 0 for no limit", DefaultValueFactory = _ => 10 };

    public static Option<string?> Goal { get; } = CreateGoal();

    public static Option<bool> Reboot { get; } = new("--reboot") { Description = "Reboot nodes after activation (overrides deployment.reboot)" };

    public static Option<bool> KeepResult { get; } = new("--keep-result")
    {
        Description = "Keep each built system alive as a GC root at gcroots/NODE beside the state database (.fleet/gcroots/NODE by default)",
    };

    public static Option<bool> NoSubstitute { get; } = new("--no-substitute")
    {
        Description = "Do not let nodes fetch paths from their binary caches while copying (overrides deployment.substituteOnDestination)",
    };

    public static Option<bool> BuildOnTarget { get; } = new("--build-on-target") { Description = "Build each system on its node (overrides deployment.buildOnTarget)" };

    public static Option<bool> NoBuildOnTarget { get; } = new("--no-build-on-target") { Description = "Build each system on the deployer (overrides deployment.buildOnTarget)" };

    public static Option<bool> TrustOnFirstUse { get; } = new("--trust-on-first-use")
    {
        Description = "Accept the SSH host key of a node seen for the first time and remember it in the fleet's known_hosts (otherwise unknown hosts are refused; a changed key always is)",
    };

    public static Option<bool> Plain { get; } = new("--plain") { Description = "Plain progress lines instead of the live view" };

    public static Option<bool> Yes { get; } = new("--yes", "-y")
    {
        Description = "Apply without asking, at a terminal, before resources are deleted or replaced (without a terminal fleet never asks)",
    };

    public static Option<bool> AskSudoPassword { get; } = new("--ask-sudo-password")
    {
        Description = "Ask once for the sudo password of non-root target users (first deployment, before the deploy user's rule exists)",
    };

    public static Command Create()
    {
        var command = new Command("apply", "Make the fleet match its configuration");
        command.Arguments.Add(GoalOrPlan);
        AddApplyOptions(command);
        command.Options.Add(Yes);
        command.SetAction((parse, cancellationToken) => FleetCli.GuardAsync(() => RunAsync(parse, cancellationToken, ResolveGoal(parse) switch
        {
            ApplyGoals.Keys => UploadSecretsCommand.Partial(parse),
            { } goal when ApplyGoals.LeavesNodesAsTheyAre(goal) => BuildCommand.SystemsOnly(parse),
            _ => null,
        })));
        return command;
    }

    /// <summary>The options of apply, which `fleet build` shares.</summary>
    internal static void AddApplyOptions(Command command, bool withGoal = true)
    {
        SelectionOptions.AddTo(command);
        command.Options.Add(Parallel);
        if (withGoal)
        {
            command.Options.Add(Goal);
            command.Options.Add(Reboot);
            command.Options.Add(NoSubstitute);
        }

        command.Options.Add(KeepResult);
        command.Options.Add(BuildOnTarget);
        command.Options.Add(NoBuildOnTarget);
        command.Options.Add(TrustOnFirstUse);
        command.Options.Add(Plain);
        command.Options.Add(AskSudoPassword);
        command.Options.Add(FleetOptions.Json);
    }

    /// <summary>--parallel as a limit: 0 is none (as Colmena's `-p 0`).</summary>
    internal static int ParallelLimit(ParseResult parse)
    {
        var parallel = parse.GetValue(Parallel);
        return parallel switch
        {
            0 => int.MaxValue,
            < 0 => throw new FleetException($"--parallel {parallel}: give a number of resources to work on at once, or 0 for no limit"),
            _ => parallel,
        };
    }

    /// <summary>
    /// The goal of this run: the positional word (Colmena's `apply boot`) or --goal, which must
    /// then agree; null leaves each node's deployment.goal. `fleet build` passes its own.
    /// </summary>
    internal static string? ResolveGoal(ParseResult parse, string? verbGoal = null)
    {
        var flag = parse.GetValue(Goal);
        if (flag is not null && !ApplyGoals.IsGoal(flag))
        {
            throw new FleetException($"--goal {flag}: expected {ApplyGoals.Listed}");
        }

        var positional = parse.GetValue(GoalOrPlan) is { } word && ApplyGoals.IsGoal(word) ? word : verbGoal;
        return flag is not null && positional is not null && flag != positional
            ? throw new FleetException($"the goal is given twice and differently: {positional} and --goal {flag}; give one")
            : positional ?? flag;
    }

    /// <param name="partial">Another verb's slice of the fleet (upload-secrets); null applies everything selected.</param>
    /// <param name="verbGoal">The goal the verb itself means (`fleet build`); null for apply, which reads it from its command line.</param>
    internal static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken, PartialApply? partial = null, string? verbGoal = null)
    {
        var parallel = ParallelLimit(parse);
        var goal = ResolveGoal(parse, verbGoal);
        if (parse.GetValue(BuildOnTarget) && parse.GetValue(NoBuildOnTarget))
        {
            throw new FleetException("--build-on-target and --no-build-on-target contradict each other; give one");
        }

        if (parse.GetValue(TrustOnFirstUse))
        {
            // Read by the nixos provider's SSH connections (StrictHostKeyChecking=accept-new).
            Environment.SetEnvironmentVariable("FLEET_SSH_ACCEPT_NEW", "1");
        }

        var credentials = parse.GetValue(AskSudoPassword) ? new Fleet.Protocol.CredentialsParams(await SudoPasswordPrompt.AskAsync(cancellationToken).ConfigureAwait(false)) : null;
        var interruption = Interruption.Current;
        var json = parse.GetValue(FleetOptions.Json);
        var overrides = Overrides(parse, goal);
        await using var session = await FleetSession.OpenAsync(
            parse, cancellationToken, partial is null ? overrides.ApplyTo : graph => partial.Graph(overrides.ApplyTo(graph)), credentials).ConfigureAwait(false);

        // Mistakes stop here, before the state is created or locked: a tampered or foreign saved
        // plan, a selection that selects nothing, an unknown resource type.
        var saved = partial is null ? SavedPlanApply.Load(parse, session) : null;
        var scope = saved?.Scope ?? (partial is null ? SelectionOptions.Scope(parse) : new PlanScope(Engine.Graph.NodeSelector.All, [.. session.Graph.Resources.Keys]));
        if (goal != "build" && parse.CommandResult.Command.Options.Contains(FleetOptions.On))
        {
            // Colmena's guard, for every goal that reaches the nodes (build only builds, on the
            // deployer) and every verb that selects nodes (apply-local names its one node).
            (partial is null ? scope : new PlanScope(Engine.Graph.NodeSelector.Parse(parse.GetValue(FleetOptions.On)), [])).RequireAllowedToApply(session.Graph);
        }

        await session.CheckAsync(scope, cancellationToken).ConfigureAwait(false);
        await session.CreateStateIfMissingAsync(parse, cancellationToken).ConfigureAwait(false);
        await using var stateLock = await session.State.AcquireLockAsync("apply", cancellationToken).ConfigureAwait(false);
        if (stateLock.RecoveredFrom is { } stale)
        {
            await Console.Error.WriteLineAsync($"recovered a stale lock: {stale.Describe()}").ConfigureAwait(false);
        }

        var plan = partial is null
            ? await SavedPlanApply.PlanOrCheckAsync(parse, session, saved, cancellationToken).ConfigureAwait(false)
            : partial.Plan(await new Planner(session.State, session.Providers).PlanAsync(session.Graph, scope, cancellationToken).ConfigureAwait(false));
        if (!json)
        {
            if (!overrides.IsEmpty && session.Graph.Nodes.Any())
            {
                Console.WriteLine($"Overrides for this run, on every selected node: {overrides.Describe()}");
            }

            // Resources that cannot be planned are named once, in the summary.
            Console.Write(PlanPrinter.Render(plan, parse.GetValue(FleetOptions.Verbose), listFailures: false));
        }

        if (!plan.HasChanges)
        {
            PrintSummary(new ApplyReport(ImmutableSortedDictionary<string, StepOutcome>.Empty, ImmutableSortedDictionary<string, string>.Empty), plan, json, RunProgress.Start([]), null);
            return plan.IsComplete ? FleetCli.ExitOk : FleetCli.ExitFailed;
        }

        // A saved plan was reviewed when it was made (and is refused if it is not what it was).
        if (saved is null && !parse.GetValue(Yes) && Confirmation.CanAsk && Destruction(plan) is { } destruction
            && !await Confirmation.AskAsync($"Apply? this {destruction}", cancellationToken).ConfigureAwait(false))
        {
            throw new DeclinedException("not confirmed; nothing was applied");
        }

        var runId = await session.State.BeginRunAsync("apply", string.Join(' ', Environment.GetCommandLineArgs().Skip(1)), cancellationToken).ConfigureAwait(false);
        var observer = Observer(parse, json, plan);
        var runLog = new RunLogRecorder(session.State, runId, credentials?.SudoPassword);
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
                runLog.OnEvent(e);
            }

            session.Providers.Log += (_, log) => Publish(FleetEvent.Now(FleetEventKind.Log) with { Resource = log.Resource, Level = log.Level, Text = log.Text });
            session.Providers.Progress += (_, p) => Publish(FleetEvent.Progress(p));
            Publish(FleetEvent.Now(FleetEventKind.RunStarted) with { Text = plan.Summary });
            // From here the first Ctrl-C lets running steps end; the second cancels them.
            using (interruption.WhileApplying(observer.Say))
            {
                // The run's own settings (--goal, --reboot, ...) reach the providers but are not recorded, and a
                // goal that leaves the nodes as they are (build, push, dry-activate) records nothing at all.
                report = await new Applier(session.State, session.Providers, Publish)
                    {
                        Parallelism = parallel,
                        Configured = session.Evaluated,
                        RecordsResources = goal is null || !ApplyGoals.LeavesNodesAsTheyAre(goal),
                    }
                    .ApplyAsync(plan, session.Graph, runId, interruption.StopStarting, interruption.Cancelled).ConfigureAwait(false);
            }

            var outcome = interruption.Interrupted ? "interrupted" : report.AllSucceeded ? "succeeded" : "failed";
            Publish(FleetEvent.Now(FleetEventKind.RunFinished) with { Outcome = outcome });
            await session.State.FinishRunAsync(runId, outcome, CancellationToken.None).ConfigureAwait(false);
        }

        PrintSummary(report, plan, json, progress, runId);
        return interruption.Interrupted ? FleetCli.ExitInterrupted : report.AllSucceeded && plan.IsComplete ? FleetCli.ExitOk : FleetCli.ExitFailed;
    }

    /// <summary>"deletes 2 resources and replaces 1 resource": what of the plan cannot be undone by applying again; null for nothing.</summary>
    private static string? Destruction(Plan plan)
    {
        static string Count(int n) => n == 1 ? "1 resource" : $"{n} resources";
        var deletes = plan.Changes.Count(c => c.Action == Fleet.Protocol.PlanAction.Delete);
        var replaces = plan.Changes.Count(c => c.Action == Fleet.Protocol.PlanAction.Replace);
        string[] parts = [.. new[] { (deletes, "deletes"), (replaces, "replaces") }.Where(p => p.Item1 > 0).Select(p => $"{p.Item2} {Count(p.Item1)}")];
        return parts.Length == 0 ? null : string.Join(" and ", parts);
    }

    /// <summary>
    /// Command-line overrides of node inputs, applied to the graph before planning. They are for
    /// this run only: the applier records the configured inputs, so the next plan shows no drift.
    /// </summary>
    private static NodeInputOverrides Overrides(ParseResult parse, string? goal)
    {
        static JsonElement Bool(bool value) => JsonSerializer.SerializeToElement(value, CliJsonContext.Default.Boolean);
        static JsonElement Text(string value) => JsonSerializer.SerializeToElement(value, CliJsonContext.Default.String);
        var overrides = NodeInputOverrides.None;
        if (goal is not null and not ApplyGoals.Keys)
        {
            overrides = overrides.With("goal", Text(goal));
        }

        if (parse.GetValue(Reboot))
        {
            overrides = overrides.With("reboot", Bool(true));
        }

        if (parse.GetValue(NoSubstitute))
        {
            overrides = overrides.With("substituteOnDestination", Bool(false));
        }

        if (parse.GetValue(BuildOnTarget) || parse.GetValue(NoBuildOnTarget))
        {
            overrides = overrides.With("buildOnTarget", Bool(parse.GetValue(BuildOnTarget)));
        }

        if (parse.GetValue(KeepResult))
        {
            var roots = Path.Combine(Path.GetDirectoryName(FleetOptions.StatePath(parse))!, "gcroots");
            overrides = overrides.With("keepResult", node => Text(Path.Combine(roots, node.Node ?? node.Id)), $"\"{roots}/NODE\"");
        }

        return overrides;
    }

    private static IRunObserver Observer(ParseResult parse, bool json, Plan plan)
    {
        if (json)
        {
            return new JsonEventWriter(Console.OpenStandardOutput());
        }

        if (parse.GetValue(Plain) || Console.IsErrorRedirected || Environment.GetEnvironmentVariable("TERM") is null or "dumb")
        {
            return new PlainProgressWriter(Console.Error, parse.GetValue(FleetOptions.Verbose));
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Error),
            ColorSystem = Environment.GetEnvironmentVariable("NO_COLOR") is { Length: > 0 } ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        });
        return new LiveProgressDisplay(console, RunProgress.Start(plan.Changes.Where(c => c.IsChange).Select(c => new ResourceRow(c.Id, c.Node, c.Action.ToString().ToLowerInvariant()))));
    }

    /// <summary>
    /// The summary: counts, then each failure in one line (its cause) with at most
    /// <see cref="FailureSummary.ContextLines"/> lines of context, and where the run's full log is.
    /// </summary>
    private static void PrintSummary(ApplyReport report, Plan plan, bool json, RunProgress progress, long? runId)
    {
        var changed = plan.Changes.Where(c => c.IsChange).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var counts = report.Outcomes.Where(o => changed.Contains(o.Key)).GroupBy(o => o.Value).ToDictionary(g => g.Key, g => g.Count());
        var failed = counts.GetValueOrDefault(StepOutcome.Failed) + plan.Failures.Count;
        var skipped = counts.GetValueOrDefault(StepOutcome.Skipped) + plan.Skipped.Length;
        var line = $"Apply: {counts.GetValueOrDefault(StepOutcome.Succeeded)} succeeded, {failed} failed, " +
            $"{skipped} skipped, {counts.GetValueOrDefault(StepOutcome.NotStarted)} not started.";
        var output = json ? Console.Error : Console.Out;
        output.WriteLine(line);
        var unplanned = plan.Failures.Select(f => KeyValuePair.Create(f.Key, "cannot be planned: " + f.Value));
        foreach (var (id, error) in report.Errors.Concat(unplanned).OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var tail = progress.Rows.TryGetValue(id, out var row) ? row.Tail : [];
            foreach (var failureLine in FailureSummary.Lines(id, error, tail))
            {
                output.WriteLine(failureLine);
            }
        }

        foreach (var id in plan.Skipped)
        {
            output.WriteLine($"  skipped {id}: something it depends on cannot be planned");
        }

        if (runId is { } run && (failed > 0 || report.Outcomes.Values.Any(o => o == StepOutcome.NotStarted)))
        {
            output.WriteLine($"full log: fleet state log {run}");
        }
    }

    private static Argument<string?> CreateGoalOrPlan()
    {
        var argument = new Argument<string?>("goal-or-plan")
        {
            HelpName = "GOAL|PLAN",
            Description = $"What to do ({ApplyGoals.Listed}; as --goal), or a plan saved with `fleet plan -o FILE`",
            Arity = ArgumentArity.ZeroOrOne,
        };
        argument.CompletionSources.Add([.. ApplyGoals.All]);
        return argument;
    }

    private static Option<string?> CreateGoal()
    {
        var option = new Option<string?>("--goal")
        {
            Description = "What to do with each node's new system: switch, boot, test, dry-activate, build, push (build and copy, no activation) or keys (upload secrets only); default: deployment.goal",
        };
        option.CompletionSources.Add([.. ApplyGoals.All]);
        return option;
    }
}
