using Fleet.Processes;
using Fleet.Testbed;

namespace Fleet.Integration.Tests;

[Trait("Category", "Integration")]
public sealed class TestbedTeardownTests
{
    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Teardown_leaves_no_namespace_mount_or_process()
    {
        var testbed = await LocalTestbed.UpAsync(["a", "b"], CancellationToken.None, prefix: "td");
        var pids = testbed.Nodes.Select(n => n.InitPid).ToList();
        var name = testbed.Name;
        var root = testbed.Description.Root;

        await testbed.DisposeAsync();

        var runner = new ProcessRunner();
        var netns = (await runner.RunCheckedAsync(ProcessSpec.Create("ip", "netns", "list"), CancellationToken.None)).StandardOutput;
        Assert.DoesNotContain($"fleet-{name}-", netns, StringComparison.Ordinal);
        var links = (await runner.RunCheckedAsync(ProcessSpec.Create("ip", "-o", "link"), CancellationToken.None)).StandardOutput;
        Assert.DoesNotContain(testbed.Description.Bridge + ":", links, StringComparison.Ordinal);
        var mounts = await File.ReadAllTextAsync("/proc/self/mountinfo");
        Assert.DoesNotContain(Path.Combine(root, name), mounts, StringComparison.Ordinal);
        Assert.All(pids, pid => Assert.False(Directory.Exists($"/proc/{pid}") && !IsZombie(pid), $"pid {pid} still runs"));
        Assert.False(Directory.Exists(Path.Combine(root, name)));
    }

    private static bool IsZombie(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].Trim().StartsWith('Z');
        }
        catch (IOException)
        {
            return true;
        }
    }
}
