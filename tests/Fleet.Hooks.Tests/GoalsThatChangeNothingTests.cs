using Fleet.NixOS.Tests;
using Fleet.State;

namespace Fleet.Hooks.Tests;

/// <summary>
/// `fleet apply --goal dry-activate` on a testbed node with hooks and a secret: it runs no hook,
/// uploads no secret and leaves the state as it was, so the next plan shows nothing it did.
/// </summary>
[Trait("Category", "Integration")]
public sealed class GoalsThatChangeNothingTests
{
    /// <summary>Node a with both hooks appending to a log, a secret, and what else <paramref name="body"/> says.</summary>
    private static FleetFile Fleet(string secret, string body = "") => FleetFile.For("a").With("a", $$"""
        deployment.hooks.preActivate.script = "echo pre >> /var/lib/hooks.log";
        deployment.hooks.postActivate.script = "echo post >> /var/lib/hooks.log";
        deployment.secrets.token.text = "{{secret}}";
        {{body}}
        """);

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Goal_dry_activate_runs_no_hook_and_uploads_no_changed_secret()
    {
        await using var fleet = await TestbedFleet.UpAsync("a");
        var first = await fleet.ApplyAsync(Fleet("first"));
        Assert.True(first.ExitCode == 0, first.StandardOutput + first.StandardError);

        fleet.Write(Fleet("second", "test.version = \"v2\";"));
        var dry = await fleet.FleetAsync("apply", "--plain", "--goal", "dry-activate");

        Assert.True(dry.ExitCode == 0, dry.StandardOutput + dry.StandardError);
        Assert.Equal("pre\npost\n", await ReadAsync(fleet, "/var/lib/hooks.log"));
        Assert.Equal("first", (await ReadAsync(fleet, "/run/keys/token")).Trim());
        Assert.Equal("a v1", await fleet.PageAsync("a"));
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Goal_dry_activate_leaves_the_state_as_it_was_and_the_next_plan_shows_no_change()
    {
        await using var fleet = await TestbedFleet.UpAsync("a");
        var first = await fleet.ApplyAsync(Fleet("same"));
        Assert.True(first.ExitCode == 0, first.StandardOutput + first.StandardError);
        var before = await StateAsync(fleet);

        var dry = await fleet.FleetAsync("apply", "--plain", "--goal", "dry-activate");
        var plan = await fleet.FleetAsync("plan");

        Assert.True(dry.ExitCode == 0, dry.StandardOutput + dry.StandardError);
        Assert.Equal(before, await StateAsync(fleet));
        Assert.True(plan.ExitCode == 0 && plan.StandardOutput.Contains("No changes", StringComparison.Ordinal), plan.StandardOutput + plan.StandardError);
    }

    /// <summary>The state's serial and every row as text.</summary>
    private static async Task<List<string>> StateAsync(TestbedFleet fleet)
    {
        await using var state = await StateStore.OpenAsync(Path.Combine(fleet.Dir, ".fleet", "state.db"), CancellationToken.None);
        var rows = await state.LoadResourcesAsync(CancellationToken.None);
        return [$"serial {await state.GetSerialAsync(CancellationToken.None)}",
            .. rows.Values.Select(r => $"{r.Id} {r.Status} {r.LastRunId} {r.UpdatedAt:O} {r.Inputs.GetRawText()} {r.Outputs.GetRawText()}")];
    }

    private static async Task<string> ReadAsync(TestbedFleet fleet, string path)
    {
        var read = await fleet.Testbed.ExecAsync("a", ["cat", path], CancellationToken.None);
        Assert.True(read.Succeeded, $"cat {path} on a: {read.StandardError}");
        return read.StandardOutput;
    }
}
