using System.CommandLine;
using Fleet.Engine.Errors;
using Fleet.Engine.Planning;

namespace Fleet.Cli;

/// <summary>
/// `fleet apply FILE`: a plan saved with `fleet plan -o FILE` is applied only as it was made —
/// without options that would change it, against the state it was signed with, and only while
/// planning it again now gives the same plan.
/// </summary>
internal static class SavedPlanApply
{
    /// <summary>The saved plan named on the command line, checked against the state's key; null without one.</summary>
    public static Plan? Load(ParseResult parse, FleetSession session)
    {
        if (parse.GetValue(ApplyCommand.GoalOrPlan) is not { } file || ApplyGoals.IsGoal(file))
        {
            return null;
        }

        var given = new[]
        {
            (parse.GetValue(FleetOptions.On) is not null, "--on"),
            (parse.GetValue(SelectionOptions.Target) is { Length: > 0 }, "--target"),
            (parse.GetValue(SelectionOptions.NoRefresh), "--no-refresh"),
            (parse.GetValue(ApplyCommand.Goal) is not null, "--goal"),
            (parse.GetValue(ApplyCommand.Reboot), "--reboot"),
            (parse.GetValue(ApplyCommand.KeepResult), "--keep-result"),
            (parse.GetValue(ApplyCommand.NoSubstitute), "--no-substitute"),
            (parse.GetValue(ApplyCommand.BuildOnTarget), "--build-on-target"),
            (parse.GetValue(ApplyCommand.NoBuildOnTarget), "--no-build-on-target"),
        }.Where(o => o.Item1).Select(o => o.Item2).ToList();
        return given.Count > 0
            ? throw new FleetException($"{string.Join(", ", given)} cannot be combined with the saved plan {file}: a saved plan is applied as it was made, with the selection it was made with; apply without a plan file to use them")
            : SavedPlan.Read(file, session.State);
    }

    /// <summary>
    /// Plans now; with a saved plan, plans its scope again and refuses unless the fresh plan is
    /// the same, change by change, and the configuration and state are those it was made from.
    /// </summary>
    public static async Task<Plan> PlanOrCheckAsync(ParseResult parse, FleetSession session, Plan? saved, CancellationToken cancellationToken)
    {
        if (saved is null)
        {
            return await new Planner(session.State, session.Providers) { Refresh = !parse.GetValue(SelectionOptions.NoRefresh) }
                .PlanAsync(session.Graph, SelectionOptions.Scope(parse), cancellationToken).ConfigureAwait(false);
        }

        var file = parse.GetValue(ApplyCommand.GoalOrPlan);
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
}
