using Fleet.Apply.Tests;

namespace Fleet.Hooks.Tests;

/// <summary>hook.command resources run on the deployer, ordered by dependsOn around local.file resources.</summary>
public sealed class LocalHookTests : IDisposable
{
    private readonly FleetWorkspace _fleet = new();

    private static string Providers => $"providers.local.command = [ {FleetWorkspace.PythonProvider} ];";

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_hook_ordered_by_dependsOn_runs_after_what_it_depends_on_and_before_what_depends_on_it()
    {
        _fleet.WriteFleet($$"""
            {{Providers}}
            resources.before = { type = "local.file"; inputs = { path = "{{_fleet.File("before.txt")}}"; content = "first\n"; }; };
            resources.check = {
              type = "hook.command";
              dependsOn = [ "before" ];
              inputs.script = ''
                cat "{{_fleet.File("before.txt")}}" > "{{_fleet.File("seen.txt")}}"
                test ! -e "{{_fleet.File("after.txt")}}" && echo "after.txt not yet there" >> "{{_fleet.File("seen.txt")}}"
              '';
            };
            resources.after = { type = "local.file"; dependsOn = [ "check" ]; inputs = { path = "{{_fleet.File("after.txt")}}"; content = "last\n"; }; };
            """);

        var apply = await _fleet.RunAsync("apply", "--plain");

        Assert.True(apply.ExitCode == 0, apply.StandardOutput + apply.StandardError);
        Assert.Equal("first\nafter.txt not yet there\n", File.ReadAllText(_fleet.File("seen.txt")));
        Assert.True(File.Exists(_fleet.File("after.txt")));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_hook_gets_its_id_action_and_the_outputs_of_what_it_watches_and_reruns_when_they_change()
    {
        WriteWatching("hello\n");
        var first = await _fleet.RunAsync("apply", "--plain");
        var created = File.ReadAllText(_fleet.File("env.txt"));
        WriteWatching("changed\n");

        var second = await _fleet.RunAsync("apply", "--plain");

        Assert.True(first.ExitCode == 0 && second.ExitCode == 0, first.StandardError + second.StandardError);
        var updated = File.ReadAllText(_fleet.File("env.txt"));
        Assert.Contains("resource=report action=create", created, StringComparison.Ordinal);
        Assert.Contains("resource=report action=update", updated, StringComparison.Ordinal);
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("changed\n"u8));
        Assert.Contains($"sha={sha}", updated, StringComparison.Ordinal);
        Assert.Contains($"\"sha256\":\"{sha}\"", updated, StringComparison.Ordinal);
        Assert.Contains("greeting=hi", updated, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_hook_whose_watched_resource_changed_but_not_the_watched_output_does_not_run()
    {
        void Write(string mode) => _fleet.WriteFleet($$"""
            {{Providers}}
            resources.notes = { type = "local.file"; inputs = { path = "{{_fleet.File("notes.txt")}}"; content = "same\n"; mode = "{{mode}}"; }; };
            resources.report = {
              type = "hook.command";
              dependsOn = [ "notes" ];
              inputs = { script = "echo ran >> '{{_fleet.File("runs.txt")}}'"; watch.notes.sha256 = { "$ref" = "notes"; output = "sha256"; }; };
            };
            """);
        Write("0644");
        await _fleet.RunAsync("apply", "--plain");
        Write("0600");

        var apply = await _fleet.RunAsync("apply", "--plain", "-v");

        Assert.True(apply.ExitCode == 0, apply.StandardOutput + apply.StandardError);
        Assert.Contains("runs if an output it watches changes", apply.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("not run: nothing it runs or watches changed", apply.StandardError, StringComparison.Ordinal);
        Assert.Equal("ran\n", File.ReadAllText(_fleet.File("runs.txt")));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Changing_only_a_hooks_timeout_records_it_and_runs_nothing()
    {
        void Write(int timeout) => _fleet.WriteFleet($$"""
            resources.report = { type = "hook.command"; inputs = { script = "echo ran >> '{{_fleet.File("runs.txt")}}'"; timeout = {{timeout}}; }; };
            """);
        Write(60);
        await _fleet.RunAsync("apply", "--plain");
        Write(90);

        var apply = await _fleet.RunAsync("apply", "--plain");
        var plan = await _fleet.RunAsync("plan");

        Assert.True(apply.ExitCode == 0, apply.StandardOutput + apply.StandardError);
        Assert.Contains("does not run: only how it reaches its node or its timeout changed", apply.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("ran\n", File.ReadAllText(_fleet.File("runs.txt")));
        Assert.Contains("No changes", plan.StandardOutput, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Hook_output_lines_reach_the_progress_log()
    {
        _fleet.WriteFleet("""resources.say = { type = "hook.command"; inputs.argv = [ "echo" "hello from the hook" ]; };""");

        // Plain progress prints providers' log lines with -v (milestones only without).
        var apply = await _fleet.RunAsync("apply", "--plain", "-v");

        Assert.True(apply.ExitCode == 0, apply.StandardError);
        Assert.Contains("[say] hello from the hook", apply.StandardError, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_hook_past_its_timeout_is_stopped_and_fails_with_its_last_lines()
    {
        // The hook waits for a file nobody creates: only its timeout ends it, and its shell is gone
        // afterwards (it recorded its pid). 5 s leaves a loaded machine time to start the shell.
        var pid = _fleet.File("hook.pid");
        _fleet.WriteFleet($$"""
            resources.slow = {
              type = "hook.command";
              inputs = { script = "echo $$ > {{pid}}; echo waiting; while [ ! -e {{_fleet.File("never")}} ]; do sleep 0.1; done"; timeout = 5; };
            };
            """);

        var apply = await _fleet.RunAsync("apply", "--plain");

        Assert.Equal(1, apply.ExitCode);
        Assert.Contains("failed slow: provider `hook` failed creating `slow`: hook slow timed out after 5 s; its last lines:\n  waiting", apply.StandardOutput, StringComparison.Ordinal);
        Assert.False(Directory.Exists($"/proc/{File.ReadAllText(pid).Trim()}"), "the timed-out hook's shell still runs");
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_hook_with_always_runs_on_every_apply()
    {
        WriteCounting(always: true);
        await _fleet.RunAsync("apply", "--plain");

        var again = await _fleet.RunAsync("apply", "--plain");

        Assert.True(again.ExitCode == 0, again.StandardError);
        Assert.Equal(2, File.ReadAllLines(_fleet.File("runs.txt")).Length);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task An_unchanged_fleet_does_not_run_its_hooks_again()
    {
        WriteCounting(always: false);
        await _fleet.RunAsync("apply", "--plain");

        var again = await _fleet.RunAsync("apply", "--plain");

        Assert.True(again.ExitCode == 0, again.StandardError);
        Assert.Contains("No changes", again.StandardOutput, StringComparison.Ordinal);
        Assert.Single(File.ReadAllLines(_fleet.File("runs.txt")));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_failing_hook_that_runs_after_its_node_marks_the_node_failed_and_the_next_apply_retries()
    {
        // node.x stands in for a node's system: the rule is the engine's, not the nixos provider's.
        _fleet.WriteFleet($$"""
            {{Providers}}
            resources."node.x" = { type = "local.file"; node = "x"; inputs = { path = "{{_fleet.File("x.txt")}}"; content = "x\n"; }; };
            resources.post = { type = "hook.command"; node = "x"; dependsOn = [ "node.x" ]; inputs = { script = "echo broken >&2; exit 3"; node = "x"; phase = "postActivate"; }; };
            """);

        var apply = await _fleet.RunAsync("apply", "--plain");
        var show = await _fleet.RunAsync("state", "show", "node.x");
        var plan = await _fleet.RunAsync("plan");

        Assert.Equal(1, apply.ExitCode);
        Assert.Contains("failed post: provider `hook` failed creating `post`: post-activation hook of node x failed with exit code 3; its last lines:\n  broken", apply.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("failed node.x: marked failed: post, which runs after its activation, failed", apply.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("\"status\": \"failed\"", show.StandardOutput.Replace("\"status\":\"", "\"status\": \"", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("its last apply failed", plan.StandardOutput, StringComparison.Ordinal);
    }

    public void Dispose() => _fleet.Dispose();

    private void WriteWatching(string content) => _fleet.WriteFleet($$"""
        {{Providers}}
        resources.notes = { type = "local.file"; inputs = { path = "{{_fleet.File("notes.txt")}}"; content = "{{content.Replace("\n", "\\n", StringComparison.Ordinal)}}"; }; };
        resources.report = {
          type = "hook.command";
          inputs = {
            watch.notes = { "$ref" = "notes"; };
            environment.GREETING = "hi";
            script = ''
              echo "resource=$FLEET_RESOURCE action=$FLEET_ACTION sha=$FLEET_OUT_NOTES_SHA256 greeting=$GREETING" > "{{_fleet.File("env.txt")}}"
              echo "$FLEET_OUTPUTS_JSON" >> "{{_fleet.File("env.txt")}}"
            '';
          };
        };
        """);

    private void WriteCounting(bool always) => _fleet.WriteFleet($$"""
        resources.count = { type = "hook.command"; inputs = { script = "echo ran >> {{_fleet.File("runs.txt")}}"; always = {{(always ? "true" : "false")}}; }; };
        """);
}
