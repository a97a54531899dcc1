using Fleet.Engine.Errors;
using Fleet.Engine.Planning;
using Fleet.Protocol;

namespace Fleet.Fuzz.Targets;

/// <summary>
/// A saved plan file (`fleet plan -o FILE`, read back by `fleet apply FILE`): the JSON parse below the
/// file access and any check of the file as a whole. Clean rejection: <see cref="FleetException"/>
/// naming the file. A plan it accepts has every field the engine relies on (no null ids or types,
/// defined actions) and survives being written and read back.
/// </summary>
public sealed class PlanFileTarget : FuzzTarget
{
    private const string FileName = "fuzz.plan.json";

    public override string Name => "plan-file";

    public override string Description => "plan files through PlanJson.Parse; rejects with FleetException";

    public override void Run(byte[] input)
    {
        Plan plan;
        try
        {
            plan = PlanJson.Parse(input, FileName);
        }
        catch (FleetException)
        {
            return;
        }

        Check(plan);
        using var written = new MemoryStream();
        plan.WriteTo(written);
        Plan again;
        try
        {
            again = PlanJson.Parse(written.ToArray(), FileName);
        }
        catch (FleetException e)
        {
            throw new FuzzFindingException($"an accepted plan does not read back after it is written: {e.Message}", e);
        }

        if (again.Changes.Length != plan.Changes.Length || again.WaitsFor.Count != plan.WaitsFor.Count)
        {
            throw new FuzzFindingException("an accepted plan reads back with other changes after it is written");
        }
    }

    private static void Check(Plan plan)
    {
        if (plan.Fleet is null || plan.GraphDigest is null)
        {
            throw new FuzzFindingException("an accepted plan has no fleet or graph digest");
        }

        foreach (var change in plan.Changes)
        {
            if (change.Id is null || change.Type is null || change.ChangedFields.Any(f => f is null) || change.UnknownOutputs.Any(f => f is null))
            {
                throw new FuzzFindingException($"an accepted plan has a change with a null id, type or field name ({change.Id})");
            }

            if (!Enum.IsDefined(change.Action))
            {
                throw new FuzzFindingException($"an accepted plan has a change with an undefined action ({(int)change.Action})");
            }
        }

        if (plan.WaitsFor.Values.Any(after => after.Any(a => a is null)))
        {
            throw new FuzzFindingException("an accepted plan has a change that waits for a null id");
        }
    }
}
