using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Fleet.Agent.Activation;
using Fleet.Agent.Daemon;
using Fleet.Agent.Health;
using Fleet.Nodes;

namespace Fleet.Agent.Tests;

public sealed class AgentPartsTests
{
    [Fact]
    public void A_record_that_cannot_replace_its_file_leaves_the_file_as_it_was_and_no_temporary_file()
    {
        var root = Directory.CreateTempSubdirectory("fleet-agent-files").FullName;
        try
        {
            var files = new AgentFiles(new AgentPaths(root));
            var health = new HealthReport(DateTimeOffset.UnixEpoch, true, []);
            files.WriteHealth(health);
            Assert.Equal([files.Paths.HealthFile], Directory.GetFiles(files.Paths.StateDirectory));

            // The rename fails (the destination is a directory): nothing half-written may stay.
            var blocked = Path.Combine(files.Paths.StateDirectory, "blocked");
            Directory.CreateDirectory(Path.Combine(blocked, "inside"));
            Assert.ThrowsAny<IOException>(() => AgentFiles.Write(blocked, health, AgentJsonContext.Default.HealthReport));

            Assert.Equal([files.Paths.HealthFile], Directory.GetFiles(files.Paths.StateDirectory));
            Assert.True(Directory.Exists(Path.Combine(blocked, "inside")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Arguments_take_options_with_values_flags_and_name_equals_value()
    {
        var a = AgentArguments.Parse(["activate", "--system", "/nix/store/x", "--goal=switch", "--json"], new HashSet<string> { "json" });

        Assert.Equal("activate", a.Command);
        Assert.Equal("/nix/store/x", a.Get("system"));
        Assert.Equal("switch", a.Get("goal"));
        Assert.True(a.Has("json"));
        Assert.Throws<UsageException>(() => a.Allow("system", "goal"));
    }

    [Fact]
    public void An_activation_request_round_trips_through_the_worker_argv()
    {
        var paths = new AgentPaths("/");
        var request = ActivationRequest.FromArguments(
            AgentArguments.Parse(["activate", "--system", "/nix/store/abc-system", "--goal", "test", "--confirm-timeout", "3", "--no-rollback-on-health-failure"], new HashSet<string> { "no-rollback-on-health-failure" }),
            paths);

        var again = ActivationRequest.FromArguments(
            AgentArguments.Parse(["activate-worker", .. request.ToArguments("/run/checks.json")], new HashSet<string> { "no-magic-rollback", "no-rollback-on-health-failure" }),
            paths);

        Assert.Equal(request with { ChecksFile = "/run/checks.json" }, again);
        Assert.True(again.WaitsForConfirmation);
        Assert.False(again.RollbackOnHealthFailure);
        Assert.Equal(TimeSpan.FromSeconds(3), again.ConfirmTimeout);
    }

    [Fact]
    public void A_second_activation_lock_is_refused_naming_the_holder()
    {
        var root = Directory.CreateTempSubdirectory("fleet-agent-lock").FullName;
        var files = new AgentFiles(new AgentPaths(root));
        using (ActivationLock.Acquire(files))
        {
            files.WriteActive(new ActiveActivation("a1", Environment.ProcessId, DateTimeOffset.UnixEpoch, "/nix/store/s", null, "switch", "running", null, "/log"));

            var e = Assert.Throws<ActivationBusyException>(() => ActivationLock.Acquire(files));

            Assert.Contains($"pid {Environment.ProcessId}", e.Message, StringComparison.Ordinal);
            Assert.Contains("1970-01-01", e.Message, StringComparison.Ordinal);
        }

        using (ActivationLock.Acquire(files))
        {
        }

        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public void Metrics_show_each_check_the_generation_and_the_last_activation_time()
    {
        var status = new StatusReport(
            "/nix/store/a", "/nix/store/a", 7, null,
            new ActivationRecord("x", "/nix/store/a", null, "switch", DateTimeOffset.FromUnixTimeSeconds(100), DateTimeOffset.FromUnixTimeSeconds(160), "confirmed", 0, null, [], "/log"),
            [],
            new HealthReport(DateTimeOffset.UnixEpoch, false, [new HealthResult("web \"port\"", "tcp", false, 1, "refused", 1), new HealthResult("db", "unit", true, 1, "ok", 1)]),
            null);

        var text = MetricsText.Render(status);

        Assert.Contains("fleet_agent_health_check_up{check=\"web \\\"port\\\"\",type=\"tcp\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("fleet_agent_health_check_up{check=\"db\",type=\"unit\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("fleet_agent_generation 7\n", text, StringComparison.Ordinal);
        Assert.Contains("fleet_agent_activation_timestamp_seconds{outcome=\"confirmed\"} 160\n", text, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task The_daemon_serves_status_on_its_unix_socket_and_metrics_over_http()
    {
        var root = Directory.CreateTempSubdirectory("fleet-agent-daemon").FullName;
        var files = new AgentFiles(new AgentPaths(root));
        var socket = Path.Combine(root, "agent.sock");
        using var stop = new CancellationTokenSource();
        var http = new TaskCompletionSource<string>();
        var daemon = new AgentDaemon(files, [new HealthCheck { Type = "command", Argv = ["true"] }], TimeSpan.FromSeconds(30))
            .RunAsync(socket, new IPEndPoint(IPAddress.Loopback, 0), stop.Token, where =>
            {
                if (where.StartsWith("http", StringComparison.Ordinal))
                {
                    http.SetResult(where);
                }
            });
        var baseUrl = await http.Task.WaitAsync(TimeSpan.FromMinutes(1));
        using var client = new HttpClient();
        string metrics;
        do
        {
            await Task.Delay(50);
            metrics = await client.GetStringAsync(new Uri(baseUrl + "/metrics"));
        }
        while (!metrics.Contains("fleet_agent_health_check_up{", StringComparison.Ordinal));

        using var unix = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await unix.ConnectAsync(new UnixDomainSocketEndPoint(socket));
        await using var stream = new NetworkStream(unix, ownsSocket: false);
        using var reader = new StreamReader(stream);
        var status = JsonDocument.Parse(await reader.ReadToEndAsync());
        var notFound = await client.GetAsync(new Uri(baseUrl + "/nope"));

        Assert.Contains("fleet_agent_health_check_up{check=\"command true\",type=\"command\"} 1", metrics, StringComparison.Ordinal);
        Assert.True(status.RootElement.GetProperty("health").GetProperty("ok").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        await stop.CancelAsync();
        await daemon;
        Assert.False(File.Exists(socket));
        Directory.Delete(root, recursive: true);
    }
}
