using System.Collections.Immutable;
using Fleet.Engine.Errors;
using Fleet.Engine.Planning;
using Fleet.Protocol;

namespace Fleet.Engine.Tests;

/// <summary>What each change waits for: the graph for creates and updates, the recorded dependencies reversed for deletes.</summary>
public sealed class ChangeOrderTests
{
    private static readonly Dictionary<string, ImmutableArray<string>> s_noGraph = [];

    private static ImmutableSortedDictionary<string, ImmutableArray<string>> Build(
        Dictionary<string, PlanAction> actions,
        Dictionary<string, ImmutableArray<string>> recorded,
        Dictionary<string, ImmutableArray<string>>? graph = null) =>
        ChangeOrder.Build(actions, graph ?? s_noGraph, recorded);

    [Fact]
    public void A_deleted_chain_waits_dependents_first()
    {
        var waits = Build(
            new() { ["a"] = PlanAction.Delete, ["b"] = PlanAction.Delete, ["c"] = PlanAction.Delete },
            new() { ["a"] = [], ["b"] = ["a"], ["c"] = ["b"] });

        Assert.Equal<string>(["b"], waits["a"]);
        Assert.Equal<string>(["c"], waits["b"]);
        Assert.Empty(waits["c"]);
        Assert.Equal<string>(["c", "b", "a"], ChangeOrder.Sequence(["a", "b", "c"], waits));
    }

    [Fact]
    public void A_delete_waits_for_the_update_or_replace_of_a_former_dependent_but_not_for_a_noop_or_create()
    {
        var waits = Build(
            new() { ["gone"] = PlanAction.Delete, ["updated"] = PlanAction.Update, ["replaced"] = PlanAction.Replace, ["same"] = PlanAction.Noop, ["new"] = PlanAction.Create },
            new() { ["gone"] = [], ["updated"] = ["gone"], ["replaced"] = ["gone"], ["same"] = ["gone"], ["new"] = ["gone"] });

        Assert.Equal<string>(["replaced", "updated"], waits["gone"]);
    }

    [Fact]
    public void Creates_and_updates_follow_the_graph_and_ignore_what_the_state_recorded()
    {
        var waits = Build(
            new() { ["app"] = PlanAction.Update, ["db"] = PlanAction.Create, ["net"] = PlanAction.Noop },
            new() { ["app"] = ["net"] },
            new() { ["app"] = ["db"], ["db"] = ["outside-the-plan"], ["net"] = [] });

        Assert.Equal<string>(["db"], waits["app"]);
        Assert.Empty(waits["db"]);
        Assert.Empty(waits["net"]);
    }

    [Fact]
    public void A_replace_waits_for_the_delete_of_a_former_dependent()
    {
        var waits = Build(
            new() { ["node"] = PlanAction.Replace, ["hook"] = PlanAction.Delete },
            new() { ["node"] = [], ["hook"] = ["node"] });

        Assert.Equal<string>(["hook"], waits["node"]);
        Assert.Empty(waits["hook"]);
    }

    [Fact]
    public void A_replace_does_not_wait_for_a_delete_that_waits_for_the_replace()
    {
        // old: svc depends on hook, hook on node. new: hook gone, svc uses node directly.
        // hook's delete waits for svc's update, which waits for node: node cannot also wait for hook.
        var waits = Build(
            new() { ["node"] = PlanAction.Replace, ["hook"] = PlanAction.Delete, ["svc"] = PlanAction.Update },
            new() { ["node"] = [], ["hook"] = ["node"], ["svc"] = ["hook"] },
            new() { ["node"] = [], ["svc"] = ["node"] });

        Assert.Empty(waits["node"]);
        Assert.Equal<string>(["svc"], waits["hook"]);
        Assert.Equal<string>(["node"], waits["svc"]);
    }

    [Fact]
    public void Deletes_are_held_while_something_that_depended_on_them_cannot_be_planned_and_so_is_what_they_depended_on()
    {
        var held = ChangeOrder.Held(
            ["a", "b", "other"],
            new Dictionary<string, ImmutableArray<string>> { ["unplannable"] = ["b"], ["b"] = ["a"], ["a"] = [], ["other"] = [] },
            new HashSet<string> { "unplannable" });

        Assert.Equal(new Dictionary<string, string> { ["a"] = "b", ["b"] = "unplannable" }, held);
    }

    [Fact]
    public void A_recorded_cycle_among_deletes_is_refused_naming_the_cycle()
    {
        var error = Assert.Throws<FleetException>(() => Build(
            new() { ["a"] = PlanAction.Delete, ["b"] = PlanAction.Delete, ["c"] = PlanAction.Delete, ["d"] = PlanAction.Delete },
            new() { ["a"] = ["c"], ["b"] = ["a"], ["c"] = ["b"], ["d"] = ["a"] }));

        Assert.Contains("dependency cycle among resources to delete: a -> c -> b -> a", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_recorded_cycle_that_is_not_all_deleted_is_no_obstacle()
    {
        var waits = Build(
            new() { ["a"] = PlanAction.Delete, ["b"] = PlanAction.Noop },
            new() { ["a"] = ["b"], ["b"] = ["a"] });

        Assert.Empty(waits["a"]);
    }
}
