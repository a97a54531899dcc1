using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Fleet.Apply.Tests;

/// <summary>
/// `fleet apply FILE` applies a saved plan only as `fleet plan -o FILE` wrote it, against the
/// state it was made from, and only while planning it again gives the same changes.
/// </summary>
public sealed class SavedPlanTests : IDisposable
{
    private readonly FleetWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private string PlanFile => _ws.File("changes.plan");

    private void WriteThings(string a, string b) => _ws.WriteFleet($$"""
          providers.dummy.command = [ {{FleetWorkspace.DummyProvider("well-behaved", "dummy")}} ];
          resources.a = { type = "dummy.thing"; inputs = { name = "a"; value = "{{a}}"; }; };
          resources.b = { type = "dummy.thing"; inputs = { name = "b"; value = "{{b}}"; }; };
        """);

    /// <summary>The value the dummy provider really holds for a thing, or null when it has none.</summary>
    private string? Thing(string id)
    {
        var file = Path.Combine(_ws.Dir, "dummy-things", id + ".json");
        return File.Exists(file) ? JsonDocument.Parse(File.ReadAllText(file)).RootElement.GetProperty("value").GetString() : null;
    }

    /// <summary>a and b applied with value 1, then b changed to 2 and that plan saved.</summary>
    private async Task SavePlanOfAnUpdateAsync()
    {
        WriteThings("1", "1");
        Assert.Equal(0, (await _ws.RunAsync("apply", "--plain")).ExitCode);
        WriteThings("1", "2");
        var plan = await _ws.RunAsync("plan", "-o", PlanFile);
        Assert.Equal(0, plan.ExitCode);
    }

    private async Task EditPlanAsync(Action<JsonObject> edit)
    {
        var root = JsonNode.Parse(await File.ReadAllTextAsync(PlanFile))!.AsObject();
        edit(root);
        await File.WriteAllTextAsync(PlanFile, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private static JsonObject Change(JsonObject plan, string id) =>
        plan["changes"]!.AsArray().Select(c => c!.AsObject()).Single(c => (string?)c["id"] == id);

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task An_unedited_saved_plan_applies()
    {
        await SavePlanOfAnUpdateAsync();

        var apply = await _ws.RunAsync("apply", PlanFile, "--plain");

        Assert.Equal(0, apply.ExitCode);
        Assert.Equal("2", Thing("b"));
        Assert.DoesNotContain((await File.ReadAllTextAsync(_ws.StatePath + ".key")).Trim(), await File.ReadAllTextAsync(PlanFile), StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_delete_injected_into_a_saved_plan_is_refused_and_nothing_is_deleted()
    {
        await SavePlanOfAnUpdateAsync();
        await EditPlanAsync(plan => Change(plan, "a")["action"] = "delete");

        var apply = await _ws.RunAsync("apply", PlanFile, "--plain");

        Assert.Equal(2, apply.ExitCode);
        Assert.Contains($"refusing the saved plan {PlanFile}", apply.StandardError, StringComparison.Ordinal);
        Assert.Contains("its MAC does not match its content", apply.StandardError, StringComparison.Ordinal);
        Assert.Equal("1", Thing("a"));
        Assert.Equal("1", Thing("b"));
        Assert.Contains("\"id\": \"a\"", (await _ws.RunAsync("state", "list", "--json")).StandardOutput, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task An_input_edited_in_a_saved_plan_is_refused()
    {
        await SavePlanOfAnUpdateAsync();
        await EditPlanAsync(plan => Change(plan, "b")["desiredInputs"]!["value"] = "edited");

        var apply = await _ws.RunAsync("apply", PlanFile, "--plain");

        Assert.Equal(2, apply.ExitCode);
        Assert.Contains("its MAC does not match its content", apply.StandardError, StringComparison.Ordinal);
        Assert.Equal("1", Thing("b"));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_single_edited_byte_in_a_saved_plan_is_refused()
    {
        await SavePlanOfAnUpdateAsync();
        var bytes = await File.ReadAllBytesAsync(PlanFile);
        var indent = bytes.AsSpan().IndexOf("\n  \"fleet\""u8) + 1;
        bytes[indent] = (byte)'\t'; // still the same JSON
        await File.WriteAllBytesAsync(PlanFile, bytes);

        var apply = await _ws.RunAsync("apply", PlanFile, "--plain");

        Assert.Equal(2, apply.ExitCode);
        Assert.Contains("its MAC does not match its content", apply.StandardError, StringComparison.Ordinal);
        Assert.Equal("1", Thing("b"));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_saved_plan_whose_mac_was_removed_is_refused()
    {
        await SavePlanOfAnUpdateAsync();
        await EditPlanAsync(plan => plan.Remove("mac"));

        var apply = await _ws.RunAsync("apply", PlanFile, "--plain");

        Assert.Equal(2, apply.ExitCode);
        Assert.Contains("it carries no MAC", apply.StandardError, StringComparison.Ordinal);
        Assert.Equal("1", Thing("b"));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_saved_plan_made_against_another_state_is_refused()
    {
        // Two states that record the same fleet at the same serial: only their keys tell them apart.
        WriteThings("1", "1");
        Assert.Equal(0, (await _ws.RunAsync("apply", "--plain")).ExitCode);
        Directory.CreateDirectory(_ws.File("other"));
        var other = _ws.File(Path.Combine("other", "state.db"));
        Assert.Equal(0, (await _ws.RunAsync("apply", "--plain", "--state", other)).ExitCode);
        WriteThings("1", "2");
        Assert.Equal(0, (await _ws.RunAsync("plan", "-o", PlanFile, "--state", other)).ExitCode);

        var apply = await _ws.RunAsync("apply", PlanFile, "--plain");

        Assert.Equal(2, apply.ExitCode);
        Assert.Contains("it was made against another state", apply.StandardError, StringComparison.Ordinal);
        Assert.Equal("1", Thing("b"));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_saved_plan_is_refused_when_the_configuration_changed_naming_the_resource_that_differs()
    {
        await SavePlanOfAnUpdateAsync();
        WriteThings("1", "3");

        var apply = await _ws.RunAsync("apply", PlanFile, "--plain");

        Assert.Equal(2, apply.ExitCode);
        Assert.Contains("configuration changed", apply.StandardError, StringComparison.Ordinal);
        Assert.Contains("  - b: desired inputs differ (value)", apply.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("  - a:", apply.StandardError, StringComparison.Ordinal);
        Assert.Equal("1", Thing("b"));
    }
}
