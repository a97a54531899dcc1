using System.Text.Json;
using Fleet.Cli;

namespace Fleet.Engine.Tests;

/// <summary>How `fleet status` reads a node's agent report against the system the configuration builds.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class StatusRowTests
{
    private const string Old = "/nix/store/za0dqnai8kck1hdlh7bjx3bfb13lxp6y-nixos-system-web-25.05.standin";
    private const string New = "/nix/store/f1wknxb5z7gx4xchrzb3q9s8m66c8vq3-nixos-system-web-25.05.standin";

    private static NodeStatusRow Row(string desired, string lastSystem, string outcome, bool healthy = true)
    {
        var ok = healthy ? "true" : "false";
        using var report = JsonDocument.Parse($$"""
            {"currentSystem":"{{Old}}","generation":3,
             "lastActivation":{"system":"{{lastSystem}}","outcome":"{{outcome}}","message":"health checks failed: http: refused; rolled back"},
             "health":{"time":"2026-12-03T10:00:00Z","ok":{{ok}},"results":[{"name":"http","type":"http","ok":{{ok}}}]}
            }
            """);
        return NodeStatusRow.FromAgent("web", desired, report.RootElement);
    }

    [Fact]
    public void A_node_running_the_configured_system_is_in_sync_and_shows_its_short_hash()
    {
        var row = Row(Old, Old, "confirmed");

        Assert.Equal("in sync", row.Sync);
        Assert.Equal("za0dqna", row.System);
        Assert.Equal(3, row.Generation);
    }

    [Fact]
    public void A_node_that_tried_the_configured_system_and_went_back_is_rolled_back_and_healthy_on_what_it_runs()
    {
        var row = Row(New, New, "rolled-back-health");

        Assert.Equal("rolled back", row.Sync);
        Assert.Equal("healthy", row.Health);
        Assert.Equal("za0dqna", row.System);
    }

    [Fact]
    public void A_node_running_another_system_than_configured_differs()
    {
        var row = Row(New, Old, "confirmed");

        Assert.Equal("differs", row.Sync);
    }
}
