using Fleet.Processes;

namespace Fleet.NixOS.Tests;

/// <summary>Nodes fleet cannot reach, and nodes another deployer is already activating.</summary>
[Trait("Category", "Integration")]
public sealed class FailureTests
{
    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task An_unreachable_node_fails_alone_the_others_are_deployed_and_the_summary_names_it()
    {
        string[] nodes = ["a", "b", "c"];
        await using var fleet = await TestbedFleet.UpAsync(nodes);
        await fleet.TestbedAsync("stop-sshd", "b");

        var apply = await fleet.ApplyAsync(FleetFile.For(nodes));

        Assert.Equal(1, apply.ExitCode);
        Assert.Equal("a v1", await fleet.PageAsync("a"));
        Assert.Equal("c v1", await fleet.PageAsync("c"));
        var summary = apply.StandardOutput[apply.StandardOutput.LastIndexOf("Apply:", StringComparison.Ordinal)..];
        Assert.Contains("2 succeeded, 1 failed", summary, StringComparison.Ordinal);
        Assert.Contains("failed node.b", summary, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task A_second_deployer_activating_the_same_node_at_once_is_refused_by_the_node_lock()
    {
        await using var fleet = await TestbedFleet.UpAsync("a");
        // The first deployer's activation stays in its health check, under the node's lock, until
        // the second deployer has been answered.
        var held = FleetFile.For("a").With("a", FleetFile.HealthCheckHeldUntil("release-first"));
        var second = fleet.NewDirectory();
        fleet.Write(held);
        fleet.Write(held, second);
        var first = new ProcessRunner().RunAsync(fleet.FleetCommand(fleet.Dir, "apply", "--plain"), CancellationToken.None);
        var holder = await PendingActivationAsync(fleet, "a");

        var refused = await fleet.FleetInAsync(second, "apply", "--plain");
        fleet.Release("a", "release-first");

        var firstResult = await first;
        Assert.True(firstResult.ExitCode == 0, firstResult.StandardOutput + firstResult.StandardError);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("another activation holds this node's lock", refused.StandardOutput, StringComparison.Ordinal);
        Assert.Contains(holder, refused.StandardOutput, StringComparison.Ordinal);
    }

    /// <summary>Waits until an activation runs on the node and returns its id.</summary>
    private static async Task<string> PendingActivationAsync(TestbedFleet fleet, string node)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (DateTime.UtcNow < deadline)
        {
            var read = await fleet.Testbed.ExecAsync(node, ["sh", "-c", "cat /run/fleet-agent/activation.json 2>/dev/null"], CancellationToken.None);
            if (read.Succeeded && read.StandardOutput.Contains("\"id\"", StringComparison.Ordinal))
            {
                using var document = System.Text.Json.JsonDocument.Parse(read.StandardOutput);
                return document.RootElement.GetProperty("id").GetString()!;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"no activation started on {node}");
    }
}
