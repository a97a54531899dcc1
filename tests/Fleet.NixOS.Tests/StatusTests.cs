using System.Text.Json;

namespace Fleet.NixOS.Tests;

/// <summary>`fleet status` on deployed nodes: what each runs, whether that is what is configured, and its health.</summary>
[Trait("Category", "Integration")]
public sealed class StatusTests
{
    private static readonly FleetFile s_fleet = FleetFile.For("a");

    private static async Task<JsonElement> StatusRowAsync(TestbedFleet fleet)
    {
        var status = await fleet.FleetAsync("status", "--json");
        Assert.True(status.ExitCode == 0, status.StandardError);
        using var rows = JsonDocument.Parse(status.StandardOutput);
        return rows.RootElement[0].Clone();
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Status_after_a_deploy_rolled_back_by_its_health_check_says_rolled_back_healthy_and_the_short_hash_it_runs()
    {
        await using var fleet = await TestbedFleet.UpAsync("a");
        await fleet.ApplyAsync(s_fleet);
        var previous = await fleet.CurrentSystemAsync("a");
        // v2 serves on 8081, so its check of 8080 fails and the node goes back to v1.
        var apply = await fleet.ApplyAsync(s_fleet.With("a", "test.version = \"v2\"; test.port = 8081;"));
        Assert.NotEqual(0, apply.ExitCode);

        var row = await StatusRowAsync(fleet);
        var table = await fleet.FleetAsync("status");

        Assert.Equal(previous, row.GetProperty("currentSystem").GetString());
        Assert.Equal(previous.Substring("/nix/store/".Length, 7), row.GetProperty("system").GetString());
        Assert.Equal("rolled back", row.GetProperty("sync").GetString());
        Assert.Equal("healthy", row.GetProperty("health").GetString());
        Assert.Equal("rolled-back-health", row.GetProperty("lastOutcome").GetString());
        Assert.NotEqual(previous, row.GetProperty("desiredSystem").GetString());
        Assert.Contains(previous.Substring("/nix/store/".Length, 7), table.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("rolled back", table.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("unhealthy", table.StandardOutput, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Status_says_in_sync_after_a_deploy_and_differs_once_the_configuration_changed()
    {
        await using var fleet = await TestbedFleet.UpAsync("a");
        await fleet.ApplyAsync(s_fleet);

        var deployed = await StatusRowAsync(fleet);
        fleet.Write(s_fleet.Version("a", "v2"));
        var changed = await StatusRowAsync(fleet);

        Assert.Equal("in sync", deployed.GetProperty("sync").GetString());
        Assert.Equal("healthy", deployed.GetProperty("health").GetString());
        Assert.Equal("differs", changed.GetProperty("sync").GetString());
    }
}
