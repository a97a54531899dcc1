using System.Text.Json;

namespace Fleet.Apply.Tests;

/// <summary>plan, apply, refresh and delete end to end with the Python `local.file` provider.</summary>
public sealed class PlanApplyTests : IDisposable
{
    private readonly FleetWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private void WriteNotes(string content, bool withCopy = true) => _ws.WriteFleet($$"""
          providers.local.command = [ {{FleetWorkspace.PythonProvider}} ];
          resources.notes = { type = "local.file"; inputs = { path = "{{_ws.File("notes.txt")}}"; content = "{{content}}"; }; };
        """ + (withCopy ? $$"""
          resources.digest = {
            type = "local.file";
            inputs = { path = "{{_ws.File("digest.txt")}}"; content = { "$ref" = "notes"; output = "sha256"; }; };
          };
        """ : ""));

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Apply_creates_resources_and_resolves_references_from_earlier_outputs()
    {
        WriteNotes("hello");

        var apply = await _ws.RunAsync("apply", "--plain");

        Assert.Equal(0, apply.ExitCode);
        Assert.Equal("hello", await File.ReadAllTextAsync(_ws.File("notes.txt")));
        Assert.Equal("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", await File.ReadAllTextAsync(_ws.File("digest.txt")));
        Assert.Contains("Plan: 2 to create", apply.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("(known after apply: notes.sha256)", apply.StandardOutput, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_second_plan_after_apply_has_no_changes()
    {
        WriteNotes("hello");
        await _ws.RunAsync("apply", "--plain");

        var plan = await _ws.RunAsync("plan");

        Assert.Equal(0, plan.ExitCode);
        Assert.Contains("No changes", plan.StandardOutput, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_file_edited_by_hand_shows_as_drift_and_apply_repairs_it()
    {
        WriteNotes("hello", withCopy: false);
        await _ws.RunAsync("apply", "--plain");
        await File.WriteAllTextAsync(_ws.File("notes.txt"), "edited by hand");

        var plan = await _ws.RunAsync("plan");
        var apply = await _ws.RunAsync("apply", "--plain");

        Assert.Contains("~ notes (local.file) — drift: changed outside fleet", plan.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("content: \"edited by hand\" -> \"hello\"", plan.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, apply.ExitCode);
        Assert.Equal("hello", await File.ReadAllTextAsync(_ws.File("notes.txt")));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_deleted_file_is_planned_for_creation_again()
    {
        WriteNotes("hello", withCopy: false);
        await _ws.RunAsync("apply", "--plain");
        File.Delete(_ws.File("notes.txt"));

        var plan = await _ws.RunAsync("plan");

        Assert.Contains("+ notes (local.file)", plan.StandardOutput, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_resource_removed_from_the_fleet_is_deleted_and_forgotten()
    {
        WriteNotes("hello");
        await _ws.RunAsync("apply", "--plain");
        WriteNotes("hello", withCopy: false);

        var plan = await _ws.RunAsync("plan");
        var apply = await _ws.RunAsync("apply", "--plain");
        var state = await _ws.RunAsync("state", "list", "--json");

        Assert.Contains("- digest (local.file)", plan.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, apply.ExitCode);
        Assert.False(File.Exists(_ws.File("digest.txt")));
        Assert.DoesNotContain("digest", state.StandardOutput, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Plan_json_lists_every_change_with_its_action()
    {
        WriteNotes("hello");

        var plan = await _ws.RunAsync("plan", "--json");

        using var json = JsonDocument.Parse(plan.StandardOutput);
        Assert.Equal(2, json.RootElement.GetProperty("summary").GetProperty("create").GetInt32());
        Assert.Equal(["create", "create"], json.RootElement.GetProperty("changes").EnumerateArray().Select(c => c.GetProperty("action").GetString()));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Apply_json_prints_one_event_per_line()
    {
        WriteNotes("hello", withCopy: false);

        var apply = await _ws.RunAsync("apply", "--json");

        var events = apply.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("event").GetString()).ToList();
        Assert.Equal("run-started", events[0]);
        Assert.Contains("resource-started", events);
        Assert.Contains("resource-finished", events);
        Assert.Equal("run-finished", events[^1]);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_saved_plan_is_refused_after_the_state_changed()
    {
        WriteNotes("hello", withCopy: false);
        await _ws.RunAsync("apply", "--plain");
        WriteNotes("changed", withCopy: false);
        var plan = await _ws.RunAsync("plan", "-o", "changes.plan");
        Assert.Equal(0, plan.ExitCode);
        await _ws.RunAsync("state", "rm", "notes");

        var apply = await _ws.RunAsync("apply", "changes.plan");

        Assert.Equal(2, apply.ExitCode);
        Assert.Contains("the state changed since it was made", apply.StandardError, StringComparison.Ordinal);
        Assert.Equal("hello", await File.ReadAllTextAsync(_ws.File("notes.txt")));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_saved_plan_is_refused_after_the_fleet_changed()
    {
        WriteNotes("hello", withCopy: false);
        await _ws.RunAsync("plan", "-o", "changes.plan");
        WriteNotes("other", withCopy: false);

        var apply = await _ws.RunAsync("apply", "changes.plan");

        Assert.Equal(2, apply.ExitCode);
        Assert.Contains("configuration changed", apply.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(_ws.File("notes.txt")));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_saved_plan_is_applied_exactly()
    {
        WriteNotes("hello", withCopy: false);
        await _ws.RunAsync("plan", "-o", "changes.plan");

        var apply = await _ws.RunAsync("apply", "changes.plan", "--plain");

        Assert.Equal(0, apply.ExitCode);
        Assert.Equal("hello", await File.ReadAllTextAsync(_ws.File("notes.txt")));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_dependency_cycle_is_a_configuration_error_naming_the_cycle()
    {
        _ws.WriteFleet($$"""
              providers.local.command = [ {{FleetWorkspace.PythonProvider}} ];
              resources.a = { type = "local.file"; inputs = { path = "{{_ws.File("a")}}"; content = "a"; }; dependsOn = [ "b" ]; };
              resources.b = { type = "local.file"; inputs = { path = "{{_ws.File("b")}}"; content = "b"; }; dependsOn = [ "a" ]; };
            """);

        var plan = await _ws.RunAsync("plan");

        Assert.Equal(2, plan.ExitCode);
        Assert.Contains("dependency cycle: a -> b -> a", plan.StandardError, StringComparison.Ordinal);
    }
}
