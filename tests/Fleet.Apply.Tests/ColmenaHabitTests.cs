using System.Text.Json;
using Fleet.Processes;

namespace Fleet.Apply.Tests;

/// <summary>
/// The command-line habits fleet takes from Colmena (goal words, `fleet build`, `upload-keys`,
/// `@tag` globs, `-p 0`, run-wide overrides of node inputs), end to end through the real `fleet`.
/// nixos.system and secret.file are served here by the dummy provider in `recording` mode (a
/// stand-in that records what each resource was applied with), so no node is needed.
/// </summary>
public sealed class ColmenaHabitTests : IDisposable
{
    private readonly FleetWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private static string Node(string name, string tag) => $$"""
          resources."node.{{name}}" = {
            type = "nixos.system"; node = "{{name}}";
            inputs = {
              drvPath = "/nix/store/00000000000000000000000000000000-nixos-system-{{name}}.drv";
              targetHost = "{{name}}"; targetUser = "root"; sshOptions = [ ]; tags = [ "{{tag}}" ];
              goal = "switch"; buildOnTarget = false; substituteOnDestination = true;
            };
          };
        """;

    /// <summary>Nodes web-1 (@web-eu), web-2 (@web-us) and db (@db, with a secret).</summary>
    private void WriteNodes() => _ws.WriteFleet($$"""
          providers.nixos.command = [ {{FleetWorkspace.DummyProvider("recording", "nixos.system")}} ];
          providers.secret.command = [ {{FleetWorkspace.DummyProvider("recording", "secret.file")}} ];
          {{Node("web-1", "web-eu")}}
          {{Node("web-2", "web-us")}}
          {{Node("db", "db")}}
          resources."node.db.key" = { type = "secret.file"; node = "db"; inputs = { path = "/run/keys/db"; }; };
        """);

    /// <summary>Each `applied ID INPUTS` line of the recording provider, in order.</summary>
    private List<(string Id, JsonElement Inputs)> Applied() =>
        !File.Exists(_ws.DummyCallLog) ? [] : [.. File.ReadAllLines(_ws.DummyCallLog)
            .Where(l => l.StartsWith("applied ", StringComparison.Ordinal))
            .Select(l => l.Split(' ', 3))
            .Select(p => (p[1], JsonDocument.Parse(p[2]).RootElement.Clone()))];

    private string? Input(string id, string name) =>
        Applied().Last(a => a.Id == id).Inputs.TryGetProperty(name, out var v) ? v.ToString() : null;

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_goal_word_after_apply_is_every_selected_nodes_goal_and_shows_in_the_plan()
    {
        WriteNodes();

        var apply = await _ws.RunAsync("apply", "boot", "--plain");

        Assert.Equal(0, apply.ExitCode);
        Assert.Equal(["boot", "boot", "boot"], new[] { "node.db", "node.web-1", "node.web-2" }.Select(id => Input(id, "goal")));
        Assert.Contains("Overrides for this run, on every selected node: goal = \"boot\"", apply.StandardOutput, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_goal_word_and_a_different_goal_option_are_a_usage_error_and_nothing_is_applied()
    {
        WriteNodes();

        var apply = await _ws.RunAsync("apply", "boot", "--goal", "test", "--plain");

        Assert.Equal(2, apply.ExitCode);
        Assert.Contains("the goal is given twice and differently: boot and --goal test", apply.StandardError, StringComparison.Ordinal);
        Assert.Empty(Applied());
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task The_same_goal_as_a_word_and_as_an_option_is_accepted()
    {
        WriteNodes();

        var apply = await _ws.RunAsync("apply", "test", "--goal", "test", "--plain", "--on", "db");

        Assert.Equal(0, apply.ExitCode);
        Assert.Equal("test", Input("node.db", "goal"));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Apply_push_works_on_the_selected_systems_alone_with_goal_push()
    {
        WriteNodes();

        var apply = await _ws.RunAsync("apply", "push", "--plain", "--on", "db");

        Assert.Equal(0, apply.ExitCode);
        Assert.Equal([("node.db", "push")], Applied().Select(a => (a.Id, a.Inputs.GetProperty("goal").GetString())));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Fleet_build_builds_the_selected_systems_and_uploads_no_secret()
    {
        WriteNodes();

        var build = await _ws.RunAsync("build", "--plain", "--on", "db,web-1");

        Assert.Equal(0, build.ExitCode);
        Assert.Equal(["node.db", "node.web-1"], Applied().Select(a => a.Id).Order(StringComparer.Ordinal));
        Assert.All(Applied(), a => Assert.Equal("build", a.Inputs.GetProperty("goal").GetString()));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Apply_keys_uploads_the_selected_nodes_secrets_and_nothing_else()
    {
        WriteNodes();

        var apply = await _ws.RunAsync("apply", "keys", "--plain");

        Assert.Equal(0, apply.ExitCode);
        Assert.Equal(["node.db.key"], Applied().Select(a => a.Id));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Upload_keys_sends_the_secrets_again_on_every_run_as_upload_secrets_does()
    {
        WriteNodes();

        var first = await _ws.RunAsync("upload-keys", "--plain");
        var second = await _ws.RunAsync("upload-keys", "--plain", "--on", "@d*");

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(0, second.ExitCode);
        Assert.Equal(["node.db.key", "node.db.key"], Applied().Select(a => a.Id));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_tag_glob_selects_the_nodes_with_a_matching_tag()
    {
        WriteNodes();

        var apply = await _ws.RunAsync("apply", "--plain", "--on", "@web-*");

        Assert.Equal(0, apply.ExitCode);
        Assert.Equal(["node.web-1", "node.web-2"], Applied().Select(a => a.Id).Order(StringComparer.Ordinal));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task No_substitute_and_no_build_on_target_override_the_node_inputs_and_show_in_the_plan()
    {
        WriteNodes();
        await _ws.RunAsync("apply", "--plain", "--on", "db");

        var apply = await _ws.RunAsync("apply", "--plain", "--on", "db", "--no-substitute", "--build-on-target");

        Assert.Equal(0, apply.ExitCode);
        Assert.Equal("False", Input("node.db", "substituteOnDestination"));
        Assert.Equal("True", Input("node.db", "buildOnTarget"));
        Assert.Contains("~ substituteOnDestination: true -> false", apply.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("~ buildOnTarget: false -> true", apply.StandardOutput, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task No_build_on_target_overrides_a_node_that_builds_on_its_target()
    {
        WriteNodes();
        var hive = await File.ReadAllTextAsync(_ws.File("fleet.nix"));
        await File.WriteAllTextAsync(_ws.File("fleet.nix"), hive.Replace("buildOnTarget = false", "buildOnTarget = true", StringComparison.Ordinal));

        var apply = await _ws.RunAsync("apply", "--plain", "--on", "web-2", "--no-build-on-target");

        Assert.Equal(0, apply.ExitCode);
        Assert.Equal("False", Input("node.web-2", "buildOnTarget"));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Build_on_target_and_no_build_on_target_together_are_a_usage_error()
    {
        WriteNodes();

        var apply = await _ws.RunAsync("apply", "--plain", "--build-on-target", "--no-build-on-target");

        Assert.Equal(2, apply.ExitCode);
        Assert.Contains("--build-on-target and --no-build-on-target contradict each other", apply.StandardError, StringComparison.Ordinal);
        Assert.Empty(Applied());
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Keep_result_gives_each_node_a_gc_root_under_gcroots_beside_the_state()
    {
        WriteNodes();

        var apply = await _ws.RunAsync("apply", "--plain", "--keep-result");

        Assert.Equal(0, apply.ExitCode);
        var roots = Path.Combine(_ws.Dir, ".fleet", "gcroots");
        Assert.Equal(Path.Combine(roots, "web-1"), Input("node.web-1", "keepResult"));
        Assert.Equal(Path.Combine(roots, "db"), Input("node.db", "keepResult"));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_saved_plan_refuses_run_wide_overrides()
    {
        WriteNodes();
        await _ws.RunAsync("plan", "-o", _ws.File("saved.plan"));

        var apply = await _ws.RunAsync("apply", _ws.File("saved.plan"), "--no-substitute", "--keep-result");

        Assert.Equal(2, apply.ExitCode);
        Assert.Contains("--keep-result, --no-substitute cannot be combined with the saved plan", apply.StandardError, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_goal_given_for_one_run_reaches_the_nodes_but_is_not_recorded_so_the_next_plan_shows_no_change()
    {
        WriteNodes();
        await _ws.RunAsync("apply", "--plain");

        var apply = await _ws.RunAsync("apply", "test", "--plain");
        var plan = await _ws.RunAsync("plan");

        Assert.Equal(0, apply.ExitCode);
        Assert.Equal("test", Input("node.db", "goal"));
        Assert.True(plan.ExitCode == 0 && plan.StandardOutput.Contains("No changes", StringComparison.Ordinal), plan.StandardOutput + plan.StandardError);
        Assert.Equal(["switch", "switch", "switch"], (await StoredAsync()).Values.Where(r => r.Type == "nixos.system").Select(r => r.Inputs.GetProperty("goal").GetString()));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Run_wide_overrides_reach_the_nodes_but_are_not_recorded_so_the_next_plan_shows_no_change()
    {
        WriteNodes();
        await _ws.RunAsync("apply", "--plain");

        var apply = await _ws.RunAsync("apply", "--plain", "--reboot", "--no-substitute", "--build-on-target", "--keep-result");
        var plan = await _ws.RunAsync("plan");

        Assert.Equal(0, apply.ExitCode);
        Assert.Equal(["True", "False", "True"], new[] { "reboot", "substituteOnDestination", "buildOnTarget" }.Select(i => Input("node.db", i)));
        Assert.NotNull(Input("node.db", "keepResult"));
        Assert.True(plan.ExitCode == 0 && plan.StandardOutput.Contains("No changes", StringComparison.Ordinal), plan.StandardOutput + plan.StandardError);
    }

    [Theory(Timeout = TestTimeouts.Local)]
    [InlineData("dry-activate")]
    [InlineData("push")]
    [InlineData("build")]
    public async Task A_goal_that_leaves_the_nodes_as_they_are_records_nothing_and_touches_no_secret(string goal)
    {
        WriteNodes();
        await _ws.RunAsync("apply", "--plain");
        var applied = Applied().Count;
        var (serial, rows) = (await SerialAsync(), Rows(await StoredAsync()));

        var apply = await _ws.RunAsync("apply", goal, "--plain");

        Assert.True(apply.ExitCode == 0, apply.StandardOutput + apply.StandardError);
        Assert.Equal(["node.db", "node.web-1", "node.web-2"], Applied().Skip(applied).Select(a => a.Id).Order(StringComparer.Ordinal));
        Assert.Equal(serial, await SerialAsync());
        Assert.Equal(rows, Rows(await StoredAsync()));
    }

    private async Task<System.Collections.Immutable.ImmutableSortedDictionary<string, Fleet.State.ResourceState>> StoredAsync()
    {
        await using var state = await Fleet.State.StateStore.OpenAsync(_ws.StatePath, CancellationToken.None);
        return await state.LoadResourcesAsync(CancellationToken.None);
    }

    private async Task<long> SerialAsync()
    {
        await using var state = await Fleet.State.StateStore.OpenAsync(_ws.StatePath, CancellationToken.None);
        return await state.GetSerialAsync(CancellationToken.None);
    }

    /// <summary>Every row as text: what it records, its status and the run that wrote it last.</summary>
    private static List<string> Rows(System.Collections.Immutable.ImmutableSortedDictionary<string, Fleet.State.ResourceState> rows) =>
        [.. rows.Values.Select(r => $"{r.Id} {r.Status} {r.LastRunId} {r.UpdatedAt:O} {r.Inputs.GetRawText()} {r.Outputs.GetRawText()}")];

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Parallel_0_starts_every_ready_resource_at_once()
    {
        // 12 resources, more than the default limit of 10: each create is held until the test
        // releases it, so all 12 are started together only if there is no limit.
        _ws.WriteFleet($$"""
              providers.slow.command = [ {{FleetWorkspace.DummyProvider("slow", "slow")}} ];
            """ + string.Concat(Enumerable.Range(1, 12).Select(i => $$"""
              resources.t{{i}} = { type = "slow.thing"; inputs = { name = "t{{i}}"; value = "v"; }; };
            """)));
        var release = _ws.File("release");
        using var fleet = new ProcessRunner().Start(_ws.Command("apply", "--plain", "-p", "0").WithEnvironment("FLEET_DUMMY_HOLD_FILE", release));
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (Started() < 12)
        {
            Assert.False(fleet.HasExited, "fleet exited before starting every create");
            Assert.True(DateTime.UtcNow < deadline, $"only {Started()} of 12 creates were started at once");
            await Task.Delay(50);
        }

        await File.WriteAllTextAsync(release, "");
        await fleet.WaitForExitAsync();
        Assert.Equal(0, fleet.ExitCode);

        int Started() => File.Exists(_ws.DummyCallLog) ? File.ReadAllLines(_ws.DummyCallLog).Count(l => l.StartsWith("start create ", StringComparison.Ordinal)) : 0;
    }
}
