using System.Net.Sockets;
using System.Text.Json;
using Fleet.Testbed;

namespace Fleet.Agent.Tests;

/// <summary>fleet-agent on testbed nodes, published with NativeAOT. Each test has its own node.</summary>
[Trait("Category", "Integration")]
public sealed class ActivationTests : IClassFixture<AgentTestbedFixture>
{
    // A working system's web service gets a minute to listen, however loaded the machine; one
    // that never listens fails on its first refused connection.
    private const string WebCheck = """[{"type":"tcp","host":"127.0.0.1","port":8080,"retries":120,"interval":0.5,"timeout":5}]""";
    private const string NeverListeningCheck = """[{"type":"tcp","host":"127.0.0.1","port":8080,"retries":0,"timeout":5}]""";

    // Activations the test confirms itself: the node waits for that, not for a time.
    private const string ConfirmedByTheTest = "--confirm-timeout 600";
    private static readonly CancellationToken s_none = CancellationToken.None;
    private readonly AgentTestbedFixture _bed;

    public ActivationTests(AgentTestbedFixture fixture)
    {
        _bed = fixture;
    }

    private string V1 => _bed.System("web-v1.nix");

    private string V2 => _bed.System("web-v2.nix");

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Switching_to_v1_then_v2_and_confirming_leaves_v2_current_and_confirmed()
    {
        await ActivateAndConfirmAsync("node1", V1);

        var activate = await _bed.AgentAsync("node1", $"activate --json --system {V2} --goal switch {ConfirmedByTheTest} --health-checks -", s_none, WebCheck);
        var confirm = await _bed.AgentAsync("node1", "confirm --json", s_none);

        Assert.True(activate.ExitCode == 0, activate.StandardError);
        Assert.Contains("\"event\":\"awaiting-confirmation\"", activate.StandardOutput, StringComparison.Ordinal);
        Assert.True(confirm.ExitCode == 0, confirm.StandardError);
        Assert.Equal("confirmed", Json(confirm.StandardOutput).GetProperty("outcome").GetString());
        var status = await StatusAsync("node1");
        Assert.Equal(V2, status.GetProperty("currentSystem").GetString());
        Assert.Equal(V2, status.GetProperty("profileSystem").GetString());
        Assert.Equal(V1, status.GetProperty("previousSystem").GetString());
        Assert.Equal("v2\n", await GetAsync("node1"));
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task A_failing_health_check_rolls_back_to_the_exact_previous_system_whose_service_answers_again()
    {
        await ActivateAndConfirmAsync("node2", V1);

        var activate = await _bed.AgentAsync(
            "node2", $"activate --json --system {_bed.System("web-not-listening.nix")} --goal switch --health-checks -", s_none, NeverListeningCheck);

        Assert.Equal(11, activate.ExitCode);
        var status = await StatusAsync("node2");
        Assert.Equal(V1, status.GetProperty("currentSystem").GetString());
        Assert.Equal(V1, (await _bed.Testbed.SshAsync("node2", "readlink /run/current-system", s_none)).StandardOutput.Trim());
        Assert.Equal("v1\n", await GetAsync("node2"));
        // The health report is again v1's (healthy); the failed checks are the activation's record.
        Assert.True(status.GetProperty("health").GetProperty("ok").GetBoolean(), status.GetRawText());
        Assert.False(status.GetProperty("lastActivation").GetProperty("health")[0].GetProperty("ok").GetBoolean());
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task A_failing_switch_to_configuration_rolls_back()
    {
        await ActivateAndConfirmAsync("node3", V1);

        var activate = await _bed.AgentAsync("node3", $"activate --json --system {_bed.System("web-failing-unit.nix")} --goal switch", s_none);

        Assert.Equal(10, activate.ExitCode);
        Assert.Contains("switch-to-configuration switch exited with code 4", activate.StandardOutput, StringComparison.Ordinal);
        var status = await StatusAsync("node3");
        Assert.Equal(V1, status.GetProperty("currentSystem").GetString());
        Assert.Equal(V1, status.GetProperty("profileSystem").GetString());
        Assert.Equal("rolled-back-switch", status.GetProperty("lastActivation").GetProperty("outcome").GetString());
        Assert.Equal("v1\n", await GetAsync("node3"));
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Without_confirmation_it_rolls_back_after_the_timeout_though_the_ssh_connection_that_started_it_was_cut()
    {
        await ActivateAndConfirmAsync("node4", V1);

        // Cut the SSH connection as soon as the switch starts.
        using var cut = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _bed.AgentAsync(
            "node4", $"activate --json --id cut-off --system {V2} --goal switch --confirm-timeout 3", cut.Token, onLine: line =>
            {
                if (line.Contains("\"stage\":\"switching\"", StringComparison.Ordinal))
                {
                    cut.Cancel();
                }
            }));

        var status = await WaitForOutcomeAsync("node4", "cut-off", TimeSpan.FromMinutes(3));
        Assert.Equal("rolled-back-timeout", status.GetProperty("lastActivation").GetProperty("outcome").GetString());
        Assert.Equal(V1, status.GetProperty("currentSystem").GetString());
        Assert.Equal("v1\n", await GetAsync("node4"));
        Assert.Equal(4, (await _bed.AgentAsync("node4", "confirm --id cut-off", s_none)).ExitCode);
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task A_second_concurrent_activation_is_refused_by_the_lock()
    {
        var first = await _bed.AgentAsync("node5", $"activate --json --id first --system {V1} --goal switch {ConfirmedByTheTest}", s_none);
        Assert.True(first.ExitCode == 0, first.StandardError);

        var second = await _bed.AgentAsync("node5", $"activate --json --id second --system {V2} --goal switch", s_none);

        Assert.Equal(75, second.ExitCode);
        Assert.Contains("activation first (pid ", second.StandardError, StringComparison.Ordinal);
        Assert.Equal(0, (await _bed.AgentAsync("node5", "confirm --id first", s_none)).ExitCode);
        Assert.Equal(V1, (await StatusAsync("node5")).GetProperty("currentSystem").GetString());
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Status_json_reflects_a_rollback()
    {
        await ActivateAndConfirmAsync("node6", V1);
        var broken = _bed.System("web-not-listening.nix");
        await _bed.AgentAsync("node6", $"activate --id broken --system {broken} --goal switch --health-checks -", s_none, NeverListeningCheck);

        var status = await StatusAsync("node6");

        var last = status.GetProperty("lastActivation");
        Assert.Equal("broken", last.GetProperty("id").GetString());
        Assert.Equal("rolled-back-health", last.GetProperty("outcome").GetString());
        Assert.Equal(broken, last.GetProperty("system").GetString());
        Assert.Equal(V1, last.GetProperty("previous").GetString());
        Assert.Equal(V1, status.GetProperty("currentSystem").GetString());
        Assert.False(last.GetProperty("health")[0].GetProperty("ok").GetBoolean());
        Assert.False(status.TryGetProperty("pending", out _));
        Assert.NotEqual(0, status.GetProperty("logTail").GetArrayLength());
    }

    private async Task ActivateAndConfirmAsync(string node, string system)
    {
        var activate = await _bed.AgentAsync(node, $"activate --json --system {system} --goal switch {ConfirmedByTheTest} --health-checks -", s_none, WebCheck);
        Assert.True(activate.ExitCode == 0, activate.StandardOutput + activate.StandardError);
        var confirm = await _bed.AgentAsync(node, "confirm", s_none);
        Assert.True(confirm.ExitCode == 0, confirm.StandardError);
    }

    private async Task<JsonElement> StatusAsync(string node)
    {
        var result = await _bed.AgentAsync(node, "status --json", s_none);
        Assert.True(result.ExitCode == 0, result.StandardError);
        return Json(result.StandardOutput);
    }

    private async Task<JsonElement> WaitForOutcomeAsync(string node, string id, TimeSpan timeout)
    {
        var until = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            var status = await StatusAsync(node);
            if (status.TryGetProperty("lastActivation", out var last) && last.GetProperty("id").GetString() == id)
            {
                return status;
            }

            Assert.True(DateTimeOffset.UtcNow < until, $"no outcome for {id} within {timeout}");
            await Task.Delay(500);
        }
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    private async Task<string> GetAsync(string node)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(1) };
        var url = new Uri($"http://{_bed.Testbed.Node(node).Address}:8080/index.html");
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await http.GetStringAsync(url);
            }
            catch (HttpRequestException e) when (attempt < 300 && e.InnerException is SocketException)
            {
                await Task.Delay(200);
            }
        }
    }
}
