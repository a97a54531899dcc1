namespace Fleet.NixOS.Tests;

/// <summary>Deploying, redeploying unchanged, and changing one node of a small fleet.</summary>
[Trait("Category", "Integration")]
public sealed class DeployTests
{
    private static readonly string[] s_nodes = ["a", "b", "c"];

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task A_first_apply_deploys_every_node_and_each_web_service_answers_at_the_node_address()
    {
        await using var fleet = await TestbedFleet.UpAsync(s_nodes);

        var apply = await fleet.ApplyAsync(FleetFile.For(s_nodes));

        Assert.True(apply.ExitCode == 0, apply.StandardOutput + apply.StandardError);
        foreach (var node in s_nodes)
        {
            Assert.Equal($"{node} v1", await fleet.PageAsync(node));
        }
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task A_second_apply_without_changes_copies_and_activates_nothing()
    {
        await using var fleet = await TestbedFleet.UpAsync(s_nodes);
        var file = FleetFile.For(s_nodes);
        await fleet.ApplyAsync(file);
        var before = await Task.WhenAll(s_nodes.Select(fleet.AgentStatusAsync));

        var again = await fleet.ApplyAsync(file);

        var after = await Task.WhenAll(s_nodes.Select(fleet.AgentStatusAsync));
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("No changes", again.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("copying", again.StandardError, StringComparison.Ordinal);
        for (var i = 0; i < s_nodes.Length; i++)
        {
            Assert.Equal(before[i].GetProperty("generation").GetInt32(), after[i].GetProperty("generation").GetInt32());
            Assert.Equal(before[i].GetProperty("lastActivation").GetProperty("id").GetString(), after[i].GetProperty("lastActivation").GetProperty("id").GetString());
        }
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Changing_one_node_redeploys_only_that_node()
    {
        await using var fleet = await TestbedFleet.UpAsync(s_nodes);
        var file = FleetFile.For(s_nodes);
        await fleet.ApplyAsync(file);
        var before = await Task.WhenAll(s_nodes.Select(fleet.AgentStatusAsync));

        var apply = await fleet.ApplyAsync(file.Version("b", "v2"));

        var after = await Task.WhenAll(s_nodes.Select(fleet.AgentStatusAsync));
        Assert.True(apply.ExitCode == 0, apply.StandardOutput + apply.StandardError);
        Assert.Equal("b v2", await fleet.PageAsync("b"));
        Assert.Equal(before[1].GetProperty("generation").GetInt32() + 1, after[1].GetProperty("generation").GetInt32());
        foreach (var i in new[] { 0, 2 })
        {
            Assert.Equal(before[i].GetProperty("generation").GetInt32(), after[i].GetProperty("generation").GetInt32());
            Assert.Equal(before[i].GetProperty("lastActivation").GetProperty("id").GetString(), after[i].GetProperty("lastActivation").GetProperty("id").GetString());
        }
    }
}
