using System.Globalization;
using System.Text.Json;

namespace Fleet.NixOS.Tests;

/// <summary>
/// What a node shows of its systems, read inside the node (not through fleet or its agent): the
/// system profile's generation and system, how many generations it has, what runs now, and the
/// page each of those two systems carries (FleetFile's "NAME VERSION").
/// </summary>
public sealed record GoalNode(int Generation, int Generations, string ProfileSystem, string CurrentSystem, string ProfilePage, string CurrentPage)
{
    private const string Script = """
        p=/nix/var/nix/profiles/system
        readlink $p
        ls -d $p-*-link | wc -l
        readlink -f $p
        readlink -f /run/current-system
        cat $p/etc/web/index.html
        cat /run/current-system/etc/web/index.html
        """;

    public static async Task<GoalNode> ReadAsync(TestbedFleet fleet, string node)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        var result = await fleet.Testbed.ExecAsync(node, ["sh", "-c", Script], CancellationToken.None);
        Assert.True(result.Succeeded, $"reading {node}'s systems: {result.StandardError}");
        var lines = result.StandardOutput.Split('\n');
        var link = lines[0].Trim();
        Assert.Matches(@"^system-\d+-link$", link);
        return new GoalNode(
            int.Parse(link.Split('-')[1], CultureInfo.InvariantCulture),
            int.Parse(lines[1].Trim(), CultureInfo.InvariantCulture),
            lines[2].Trim(),
            lines[3].Trim(),
            lines[4].Trim(),
            lines[5].Trim());
    }

    /// <summary>The outputs fleet recorded in state for node.NODE.</summary>
    public static async Task<JsonElement> OutputsAsync(TestbedFleet fleet, string node)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        return (await fleet.StateAsync(node)).GetProperty("outputs");
    }

    /// <summary>`systemctl is-active UNIT` on the node (the stand-in's systemctl of the running system).</summary>
    public static async Task<string> UnitStateAsync(TestbedFleet fleet, string node, string unit)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        var result = await fleet.Testbed.ExecAsync(node, ["/run/current-system/sw/bin/systemctl", "is-active", unit], CancellationToken.None);
        return result.StandardOutput.Trim();
    }

    public static string? String(JsonElement outputs, string name) =>
        outputs.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
