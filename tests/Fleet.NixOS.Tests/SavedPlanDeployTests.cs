using System.Text.Json;
using System.Text.Json.Nodes;

namespace Fleet.NixOS.Tests;

/// <summary>`fleet apply FILE` with a node's system: planned again, it matches, and only an unedited plan deploys.</summary>
[Trait("Category", "Integration")]
public sealed class SavedPlanDeployTests
{
    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task A_saved_plan_of_a_node_deploys_only_as_saved_and_an_edited_targetHost_is_refused()
    {
        await using var fleet = await TestbedFleet.UpAsync("a");
        var file = FleetFile.For("a");
        var first = await fleet.ApplyAsync(file);
        Assert.True(first.ExitCode == 0, first.StandardOutput + first.StandardError);
        var before = await fleet.CurrentSystemAsync("a");
        fleet.Write(file.Version("a", "v2"));
        var plan = await fleet.FleetAsync("plan", "-o", "v2.plan");
        Assert.True(plan.ExitCode == 0, plan.StandardOutput + plan.StandardError);
        var path = Path.Combine(fleet.Dir, "v2.plan");
        var saved = await File.ReadAllTextAsync(path);
        var edited = JsonNode.Parse(saved)!.AsObject();
        var node = edited["changes"]!.AsArray().Select(c => c!.AsObject()).Single(c => (string?)c["id"] == "node.a");
        node["desiredInputs"]!["targetHost"] = "192.0.2.1";
        await File.WriteAllTextAsync(path, edited.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

        var refused = await fleet.FleetAsync("apply", "v2.plan", "--plain");
        await File.WriteAllTextAsync(path, saved);
        var apply = await fleet.FleetAsync("apply", "v2.plan", "--plain");

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("its MAC does not match its content", refused.StandardError, StringComparison.Ordinal);
        Assert.True(apply.ExitCode == 0, apply.StandardOutput + apply.StandardError);
        Assert.NotEqual(before, await fleet.CurrentSystemAsync("a"));
    }
}
