using Fleet.Engine.Graph;

namespace Fleet.Engine.Tests;

public sealed class NodeSelectorTests
{
    [Theory]
    [InlineData("web-*", "web-1", true)]
    [InlineData("web-*", "db-1", false)]
    [InlineData("db?", "db1", true)]
    [InlineData("db?", "db12", false)]
    [InlineData("@prod", "anything", true)]
    [InlineData("@staging", "anything", false)]
    [InlineData("db1,@prod", "x", true)]
    [InlineData("", "x", true)]
    [InlineData("@pro*", "anything", true)]
    [InlineData("@p?od", "anything", true)]
    [InlineData("@prod-*", "anything", false)]
    [InlineData("web-*,@sta*", "db-1", false)]
    public void Globs_and_tags_select_nodes(string selector, string node, bool expected)
    {
        Assert.Equal(expected, NodeSelector.Parse(selector).Matches(node, ["prod"]));
    }
}
