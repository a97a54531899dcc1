using System.Net;
using System.Net.Sockets;
using Fleet.Agent.Daemon;
using Fleet.Agent.Health;

namespace Fleet.Agent.Tests;

public sealed class HealthCheckRunnerTests
{
    private static readonly CancellationToken s_none = CancellationToken.None;

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task An_http_check_passes_on_the_expected_status_and_fails_on_another()
    {
        using var server = new StatusHttpServer(new IPEndPoint(IPAddress.Loopback, 0), path => path == "/ok" ? (200, "text/plain", "ok") : (404, "text/plain", "no"));
        using var stop = new CancellationTokenSource();
        var serving = server.ServeAsync(stop.Token);
        using var runner = new HealthCheckRunner();
        var url = $"http://127.0.0.1:{server.LocalEndPoint.Port}";

        var ok = await runner.RunOneAsync(new HealthCheck { Type = "http", Url = url + "/ok" }, s_none);
        var notFound = await runner.RunOneAsync(new HealthCheck { Type = "http", Url = url + "/missing", Retries = 0 }, s_none);
        var expected404 = await runner.RunOneAsync(new HealthCheck { Type = "http", Url = url + "/missing", ExpectStatus = 404 }, s_none);

        Assert.True(ok.Ok, ok.Message);
        Assert.False(notFound.Ok);
        Assert.Equal("HTTP 404, expected 200", notFound.Message);
        Assert.True(expected404.Ok, expected404.Message);
        await stop.CancelAsync();
        await serving;
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_tcp_check_passes_on_a_listening_port_and_fails_after_its_retries_on_a_closed_one()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var open = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var listening = new TcpListener(IPAddress.Loopback, 0);
        listening.Start();
        using var runner = new HealthCheckRunner();

        var up = await runner.RunOneAsync(new HealthCheck { Type = "tcp", Host = "127.0.0.1", Port = ((IPEndPoint)listening.LocalEndpoint).Port }, s_none);
        var down = await runner.RunOneAsync(new HealthCheck { Type = "tcp", Host = "127.0.0.1", Port = open, Retries = 2, Interval = 0.05 }, s_none);

        Assert.True(up.Ok, up.Message);
        Assert.False(down.Ok);
        Assert.Equal(3, down.Attempts);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_command_check_reports_the_exit_code_and_output_of_a_failure()
    {
        using var runner = new HealthCheckRunner();

        var passed = await runner.RunOneAsync(new HealthCheck { Type = "command", Argv = ["true"] }, s_none);
        var failed = await runner.RunOneAsync(new HealthCheck { Type = "command", Argv = ["sh", "-c", "echo not ready; exit 3"], Retries = 0 }, s_none);

        Assert.True(passed.Ok);
        Assert.Equal("exit code 3: not ready", failed.Message);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_command_that_outlives_its_timeout_fails_as_timed_out()
    {
        using var runner = new HealthCheckRunner();

        // Nothing but the attempt's timeout ends this command (the test's timeout catches a hang).
        var result = await runner.RunOneAsync(new HealthCheck { Type = "command", Argv = ["sleep", "infinity"], Timeout = 0.3, Retries = 0 }, s_none);

        Assert.False(result.Ok);
        Assert.Equal("timed out after 0.3s", result.Message);
        Assert.Equal(1, result.Attempts);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_check_is_retried_until_it_passes()
    {
        var counter = Path.Combine(Path.GetTempPath(), $"fleet-agent-retry-{Guid.NewGuid():N}");
        using var runner = new HealthCheckRunner();

        var result = await runner.RunOneAsync(
            new HealthCheck { Type = "command", Argv = ["sh", "-c", $"echo x >> {counter}; test $(wc -l < {counter}) -ge 3"], Retries = 5, Interval = 0.05 }, s_none);

        Assert.True(result.Ok, result.Message);
        Assert.Equal(3, result.Attempts);
        File.Delete(counter);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task The_grace_period_passes_before_the_first_attempt()
    {
        // A check without a grace period makes its attempt; one with an hour's grace makes none
        // meanwhile, and the deadline finds it not run.
        var attempted = Path.Combine(Path.GetTempPath(), $"fleet-agent-grace-{Guid.NewGuid():N}");
        using var runner = new HealthCheckRunner();
        using var deadline = new CancellationTokenSource();
        var graced = runner.RunOneAsync(new HealthCheck { Type = "command", Argv = ["touch", attempted], GracePeriod = 3600 }, deadline.Token);

        var ungraced = await runner.RunOneAsync(new HealthCheck { Type = "command", Argv = ["true"] }, s_none);
        await deadline.CancelAsync();
        var result = await graced;

        Assert.True(ungraced.Ok, ungraced.Message);
        Assert.False(result.Ok);
        Assert.Equal(0, result.Attempts);
        Assert.Equal("overall health-check timeout reached (not run)", result.Message);
        Assert.False(File.Exists(attempted));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task The_overall_timeout_fails_checks_still_retrying()
    {
        // The first check never passes, so only the overall timeout ends it; the second passes
        // at once: 30 s is room enough for starting `true` on any loaded machine (the test lasts
        // that long, the price of a bound that only the timeout under test ends).
        using var runner = new HealthCheckRunner();

        var report = await runner.RunAsync(
            [new HealthCheck { Type = "command", Argv = ["false"], Retries = int.MaxValue, Interval = 0.05 }, new HealthCheck { Type = "command", Argv = ["true"] }],
            TimeSpan.FromSeconds(30),
            s_none);

        Assert.False(report.Ok);
        Assert.StartsWith("overall health-check timeout reached", report.Results[0].Message, StringComparison.Ordinal);
        Assert.True(report.Results[1].Ok, report.Results[1].Message);
    }
}
