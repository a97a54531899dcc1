using System.Collections.Immutable;
using Fleet.Engine.Errors;
using Fleet.Engine.Graph;

namespace Fleet.Engine.Tests;

public sealed class ResourceDagTests
{
    [Fact]
    public void A_cycle_is_rejected_with_the_cycle_printed()
    {
        var deps = new Dictionary<string, ImmutableArray<string>> { ["a"] = ["c"], ["b"] = ["a"], ["c"] = ["b"], ["d"] = [] };

        var error = Assert.Throws<ResourceGraphException>(() => ResourceDag.Build(deps));

        Assert.Contains("dependency cycle: a -> c -> b -> a", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_order_puts_dependencies_first()
    {
        var deps = new Dictionary<string, ImmutableArray<string>> { ["app"] = ["db", "net"], ["db"] = ["net"], ["net"] = [] };

        var order = ResourceDag.Build(deps).Order();

        Assert.True(order.IndexOf("net") < order.IndexOf("db") && order.IndexOf("db") < order.IndexOf("app"));
    }

    [Fact]
    public void A_target_brings_its_transitive_dependencies()
    {
        var deps = new Dictionary<string, ImmutableArray<string>> { ["app"] = ["db"], ["db"] = ["net"], ["net"] = [], ["other"] = [] };

        Assert.Equal(["app", "db", "net"], ResourceDag.Build(deps).WithDependencies(["app"]).Order());
    }
}
