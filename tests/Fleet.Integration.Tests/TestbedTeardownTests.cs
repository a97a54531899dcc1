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

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Down_waits_for_the_lock_that_up_holds()
    {
        var testbed = await LocalTestbed.UpAsync(["a"], CancellationToken.None, prefix: "tl");
        var runner = new ProcessRunner();
        var bridge = testbed.Description.Bridge;
        try
        {
            // The test stands in for an `up` in its allocation step: it holds the testbed lock.
            using var holder = runner.Start(ProcessSpec.Create("flock", LocalTestbed.LockFile, "-c", "echo held; exec cat"));
            Assert.Equal("held", await holder.StandardOutput.ReadLineAsync());
            using var down = runner.Start(ProcessSpec.Create(RepositoryPaths.TestbedScript, "down", testbed.Name));
            var stderr = down.StandardError.ReadToEndAsync();

            while (!WaitsOnFlock(down.Id))
            {
                if (down.HasExited)
                {
                    Assert.Fail($"down ended while another process held the testbed lock: {await stderr}");
                }

                await Task.Delay(20);
            }

            Assert.True(await LinkExistsAsync(runner, bridge), "down tore the bridge down while waiting for the lock");
            holder.StandardInput.Close();
            await down.WaitForExitAsync();
            await holder.WaitForExitAsync();

            Assert.Equal(0, down.ExitCode);
            Assert.False(await LinkExistsAsync(runner, bridge));
        }
        finally
        {
            await testbed.DisposeAsync();
        }
    }

    /// <summary>True when `pid` has a `flock` child: the testbed script's <c>lock</c>, still waiting.</summary>
    private static bool WaitsOnFlock(int pid)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var comm = stat[(stat.IndexOf('(', StringComparison.Ordinal) + 1)..stat.LastIndexOf(')')];
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (comm == "flock" && fields[1] == pid.ToString(System.Globalization.CultureInfo.InvariantCulture))
                {
                    return true;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // gone meanwhile
            }
        }

        return false;
    }

    private static async Task<bool> LinkExistsAsync(ProcessRunner runner, string link) =>
        (await runner.RunAsync(ProcessSpec.Create("ip", "link", "show", "dev", link), CancellationToken.None)).Succeeded;

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
