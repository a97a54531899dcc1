using System.Net.Sockets;
using Fleet.Processes;
using Fleet.Testbed;

namespace Fleet.Integration.Tests;

/// <summary>The testbed itself: real namespaces, real sshd, real Nix stores. Integration: needs root.</summary>
[Trait("Category", "Integration")]
public sealed class TestbedTests : IClassFixture<TestbedFixture>
{
    private static readonly CancellationToken s_none = CancellationToken.None;
    private readonly LocalTestbed _testbed;

    public TestbedTests(TestbedFixture fixture)
    {
        _testbed = fixture.Testbed;
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Every_node_answers_over_ssh_with_host_key_checking_on()
    {
        foreach (var node in _testbed.Nodes)
        {
            var result = await new ProcessRunner().RunAsync(
                ProcessSpec.Create(
                    "ssh", "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes",
                    "-o", $"UserKnownHostsFile={_testbed.Description.KnownHosts}", "-i", _testbed.Description.IdentityFile,
                    $"root@{node.Address}", "hostname"),
                s_none);

            Assert.True(result.Succeeded, result.StandardError);
            Assert.Equal(node.Name, result.StandardOutput.Trim());
        }
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task A_store_path_copied_to_node1_is_in_node1s_store_only()
    {
        var runner = new ProcessRunner();
        var marker = Guid.NewGuid().ToString("N");
        var file = Path.Combine(Path.GetTempPath(), $"fleet-copy-{marker}");
        await File.WriteAllTextAsync(file, marker);
        var path = (await runner.RunCheckedAsync(ProcessSpec.Create("nix-store", "--add", file), s_none)).StandardOutput.Trim();
        File.Delete(file);

        await runner.RunCheckedAsync(
            ProcessSpec.Create("nix-copy-closure", "--to", "root@node1", path).WithEnvironment("NIX_SSHOPTS", _testbed.NixSshOptions),
            s_none);
        await runner.RunCheckedAsync(ProcessSpec.Create("nix-store", "--delete", path), s_none);

        Assert.True((await _testbed.SshAsync("node1", $"nix-store --check-validity {path} && cat {path}", s_none)).StandardOutput.Contains(marker, StringComparison.Ordinal));
        Assert.False((await _testbed.SshAsync("node2", $"test -e {path}", s_none)).Succeeded);
        Assert.False((await _testbed.ExecAsync("node3", ["test", "-e", path], s_none)).Succeeded);
        Assert.False(File.Exists(path));
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Nodes_reach_each_other_over_the_bridge()
    {
        var node2 = _testbed.Node("node2");

        var result = await _testbed.ExecAsync("node1", ["ssh-keyscan", "-T", "5", node2.Address], s_none);

        Assert.Contains("ssh-ed25519", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Switching_to_a_standin_system_starts_its_service_and_switching_away_stops_it()
    {
        var node = _testbed.Node("node2");
        var withService = await StandinSystems.BuildAsync("web-service.nix", "web", s_none);
        var withoutService = await StandinSystems.BuildAsync("no-service.nix", "web", s_none);

        await SwitchAsync("node2", withService);
        var page = await GetAsync($"http://{node.Address}:8080/index.html");
        Assert.Equal("served by the stand-in system\n", page);
        Assert.True((await _testbed.SshAsync("node2", "/run/current-system/sw/bin/systemctl is-active web", s_none)).Succeeded);

        await SwitchAsync("node2", withoutService);
        // switch-to-configuration returns once the service is stopped: no retry is needed to see it gone.
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(1) };
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetStringAsync(new Uri($"http://{node.Address}:8080/index.html")));
        Assert.False((await _testbed.SshAsync("node2", "/run/current-system/sw/bin/systemctl is-active web", s_none)).Succeeded);
    }

    private async Task SwitchAsync(string node, string system)
    {
        await new ProcessRunner().RunCheckedAsync(
            ProcessSpec.Create("nix-copy-closure", "--to", $"root@{node}", system).WithEnvironment("NIX_SSHOPTS", _testbed.NixSshOptions),
            s_none);
        var result = await _testbed.SshAsync(
            node, $"nix-env -p /nix/var/nix/profiles/system --set {system} && {system}/bin/switch-to-configuration switch", s_none);
        Assert.True(result.Succeeded, result.StandardOutput + result.StandardError);
    }

    private static async Task<string> GetAsync(string url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(1) };
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await http.GetStringAsync(new Uri(url));
            }
            catch (HttpRequestException e) when (attempt < 300 && e.InnerException is SocketException)
            {
                await Task.Delay(200);
            }
        }
    }
}
