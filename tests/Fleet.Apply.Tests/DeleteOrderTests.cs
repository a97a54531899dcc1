using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Fleet.Apply.Tests;

/// <summary>
/// Deletes run in reverse of the dependencies the state recorded, end to end with the dummy
/// provider, which logs the order of its calls.
/// </summary>
public sealed class DeleteOrderTests : IDisposable
{
    private readonly FleetWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private string CallLog => _ws.DummyCallLog;

    /// <summary>Writes a fleet of dummy things; each entry is the inside of one resource's attrset.</summary>
    private void WriteThings(params (string Id, string Body)[] things) => _ws.WriteFleet(
        $"  providers.dummy.command = [ {FleetWorkspace.DummyProvider("well-behaved", "dummy")} ];\n" +
        string.Concat(things.Select(t => $"  resources.{t.Id} = {{ type = \"dummy.thing\"; {t.Body} }};\n")));

    /// <summary>a &lt;- b &lt;- c: b refers to a's output, c depends on b explicitly; `keep` stays.</summary>
    private async Task ApplyChainAsync()
    {
        WriteThings(
            ("a", """inputs = { name = "a"; value = "va"; };"""),
            ("b", """inputs = { name = "b"; value = { "$ref" = "a"; output = "echo"; }; };"""),
            ("c", """inputs = { name = "c"; value = "vc"; }; dependsOn = [ "b" ];"""),
            ("keep", """inputs = { name = "keep"; value = "vk"; };"""));
        var apply = await _ws.RunAsync("apply", "--plain");
        Assert.Equal(0, apply.ExitCode);
        File.Delete(CallLog);
    }

    private async Task<JsonElement> ShowAsync(string id)
    {
        var show = await _ws.RunAsync("state", "show", id);
        Assert.Equal(0, show.ExitCode);
        return JsonDocument.Parse(show.StandardOutput).RootElement.Clone();
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Apply_records_each_resources_dependencies_from_dependsOn_and_references()
    {
        await ApplyChainAsync();

        Assert.Equal(["a"], (await ShowAsync("b")).GetProperty("dependencies").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(["b"], (await ShowAsync("c")).GetProperty("dependencies").EnumerateArray().Select(d => d.GetString()));
        Assert.Empty((await ShowAsync("a")).GetProperty("dependencies").EnumerateArray());
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task An_unchanged_resource_whose_dependsOn_moved_gets_its_recorded_dependencies_rewritten()
    {
        await ApplyChainAsync();
        WriteThings(
            ("a", """inputs = { name = "a"; value = "va"; };"""),
            ("b", """inputs = { name = "b"; value = { "$ref" = "a"; output = "echo"; }; };"""),
            ("c", """inputs = { name = "c"; value = "vc"; }; dependsOn = [ "a" ];"""),
            ("keep", """inputs = { name = "keep"; value = "changed, so that apply runs"; };"""));

        var apply = await _ws.RunAsync("apply", "--plain");

        Assert.Equal(0, apply.ExitCode);
        Assert.Equal(["start update keep", "end update keep"], File.ReadAllLines(CallLog));
        Assert.Equal(["a"], (await ShowAsync("c")).GetProperty("dependencies").EnumerateArray().Select(d => d.GetString()));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_chain_removed_from_the_fleet_is_deleted_dependents_first_one_at_a_time()
    {
        await ApplyChainAsync();
        WriteThings(("keep", """inputs = { name = "keep"; value = "vk"; };"""));

        var plan = await _ws.RunAsync("plan");
        var apply = await new Fleet.Processes.ProcessRunner().RunAsync(
            _ws.Command("apply", "--plain").WithEnvironment("FLEET_DUMMY_STEP_DELAY_MS", "200"), CancellationToken.None);

        Assert.Equal(0, apply.ExitCode);
        var listed = plan.StandardOutput.Split('\n').Where(l => l.StartsWith("  - ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["  - c (dummy.thing) — no longer in the fleet", "  - b (dummy.thing) — no longer in the fleet", "  - a (dummy.thing) — no longer in the fleet"], listed);
        Assert.Equal(
            ["start delete c", "end delete c", "start delete b", "end delete b", "start delete a", "end delete a"],
            File.ReadAllLines(CallLog));
        var state = await _ws.RunAsync("state", "list", "--json");
        Assert.Equal(["keep"], JsonDocument.Parse(state.StandardOutput).RootElement.EnumerateArray().Select(r => r.GetProperty("id").GetString()));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_failed_delete_keeps_what_it_depended_on_untouched_in_state_and_in_the_world()
    {
        await ApplyChainAsync();
        var before = new[] { "a", "b" }.ToDictionary(id => id, id => ShowAsync(id).GetAwaiter().GetResult().GetRawText());
        WriteThings(("keep", """inputs = { name = "keep"; value = "vk"; };"""));

        var apply = await new Fleet.Processes.ProcessRunner().RunAsync(
            _ws.Command("apply", "--plain").WithEnvironment("FLEET_DUMMY_FAIL_DELETE", "c"), CancellationToken.None);

        Assert.Equal(1, apply.ExitCode);
        Assert.Equal(["start delete c", "fail delete c"], File.ReadAllLines(CallLog));
        Assert.Contains("Apply: 0 succeeded, 1 failed, 2 skipped", apply.StandardOutput, StringComparison.Ordinal);
        foreach (var id in new[] { "a", "b" })
        {
            Assert.Equal(before[id], (await ShowAsync(id)).GetRawText());
            Assert.True(File.Exists(Path.Combine(_ws.Dir, "dummy-things", id + ".json")));
        }

        Assert.Equal("ready", (await ShowAsync("c")).GetProperty("status").GetString());
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_delete_waits_for_the_update_that_stops_a_remaining_resource_referring_to_it()
    {
        await ApplyChainAsync();
        WriteThings(
            ("b", """inputs = { name = "b"; value = "no longer from a"; };"""),
            ("c", """inputs = { name = "c"; value = "vc"; }; dependsOn = [ "b" ];"""),
            ("keep", """inputs = { name = "keep"; value = "vk"; };"""));

        var apply = await new Fleet.Processes.ProcessRunner().RunAsync(
            _ws.Command("apply", "--plain").WithEnvironment("FLEET_DUMMY_STEP_DELAY_MS", "300"), CancellationToken.None);

        Assert.Equal(0, apply.ExitCode);
        Assert.Equal(["start update b", "end update b", "start delete a", "end delete a"], File.ReadAllLines(CallLog));
        Assert.Empty((await ShowAsync("b")).GetProperty("dependencies").EnumerateArray());
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_delete_is_held_while_a_resource_that_depended_on_it_cannot_be_planned()
    {
        await ApplyChainAsync();
        _ws.WriteFleet($$"""
              providers.dummy.command = [ {{FleetWorkspace.DummyProvider("well-behaved", "dummy")}} ];
              providers.other.command = [ "/nonexistent/fleet-provider-other" ];
              resources.b = { type = "dummy.thing"; inputs = { name = "b"; value = "vb"; }; dependsOn = [ "broken" ]; };
              resources.broken = { type = "other.thing"; inputs = { name = "x"; value = "y"; }; };
              resources.keep = { type = "dummy.thing"; inputs = { name = "keep"; value = "vk"; }; };
            """);

        var apply = await _ws.RunAsync("apply", "--plain");

        Assert.Equal(1, apply.ExitCode);
        Assert.Contains("failed a: cannot be planned: not deleted: b, which depended on it, cannot be planned", apply.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("start delete c", File.ReadAllLines(CallLog));
        Assert.DoesNotContain("start delete a", File.ReadAllLines(CallLog));
        Assert.Equal("ready", (await ShowAsync("a")).GetProperty("status").GetString());
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_dependency_cycle_recorded_in_a_damaged_state_is_refused_naming_the_cycle()
    {
        await ApplyChainAsync();
        await using (var db = new SqliteConnection($"Data Source={_ws.StatePath};Pooling=False"))
        {
            await db.OpenAsync();
            await using var corrupt = db.CreateCommand();
            corrupt.CommandText = """UPDATE resources SET dependencies = '["c"]' WHERE id = 'a';""";
            Assert.Equal(1, await corrupt.ExecuteNonQueryAsync());
        }

        WriteThings(("keep", """inputs = { name = "keep"; value = "vk"; };"""));

        var plan = await _ws.RunAsync("plan");

        Assert.Equal(2, plan.ExitCode);
        Assert.Contains("dependency cycle among resources to delete: a -> c -> b -> a", plan.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(CallLog));
    }
}
