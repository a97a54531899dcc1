using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Fleet.Nodes;
using Fleet.Processes;

namespace Fleet.Agent.Health;

/// <summary>
/// Runs health checks: all at once, each after its grace period and with its retries, the whole
/// run under one overall timeout. A check that has not passed when the time is up has failed.
/// </summary>
public sealed class HealthCheckRunner : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.Zero })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    private readonly ProcessRunner _processes = new();

    public async Task<HealthReport> RunAsync(
        IReadOnlyList<HealthCheck> checks,
        TimeSpan overallTimeout,
        CancellationToken cancellationToken,
        Action<HealthResult>? onResult = null)
    {
        ArgumentNullException.ThrowIfNull(checks);
        using var overall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        overall.CancelAfter(overallTimeout);
        var results = await Task.WhenAll(checks.Select(async check =>
        {
            var result = await RunOneAsync(check, overall.Token, cancellationToken).ConfigureAwait(false);
            onResult?.Invoke(result);
            return result;
        })).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return new HealthReport(DateTimeOffset.UtcNow, results.All(r => r.Ok), [.. results]);
    }

    /// <summary>One check with its grace period and retries; stops early when <paramref name="deadline"/> fires.</summary>
    public async Task<HealthResult> RunOneAsync(HealthCheck check, CancellationToken deadline, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(check);
        var stopwatch = Stopwatch.StartNew();
        var attempts = 0;
        var message = "not run";
        try
        {
            await Task.Delay(check.Grace, deadline).ConfigureAwait(false);
            while (true)
            {
                attempts++;
                string? failure;
                using (var attempt = CancellationTokenSource.CreateLinkedTokenSource(deadline))
                {
                    attempt.CancelAfter(check.AttemptTimeout);
                    failure = await AttemptAsync(check, attempt.Token, deadline).ConfigureAwait(false);
                }

                if (failure is null)
                {
                    return Result(check, ok: true, attempts, "ok", stopwatch);
                }

                message = failure;
                if (attempts > check.RetryCount)
                {
                    return Result(check, ok: false, attempts, message, stopwatch);
                }

                await Task.Delay(check.RetryInterval, deadline).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Result(check, ok: false, attempts, $"overall health-check timeout reached ({message})", stopwatch);
        }
    }

    public void Dispose() => _http.Dispose();

    private static HealthResult Result(HealthCheck check, bool ok, int attempts, string message, Stopwatch stopwatch) =>
        new(check.DisplayName, check.Type, ok, attempts, message, stopwatch.ElapsedMilliseconds);

    /// <summary>One attempt: null if it passed, else why not.</summary>
    private async Task<string?> AttemptAsync(HealthCheck check, CancellationToken attempt, CancellationToken deadline)
    {
        try
        {
            return check.Type switch
            {
                "http" => await HttpAsync(check, attempt).ConfigureAwait(false),
                "tcp" => await TcpAsync(check, attempt).ConfigureAwait(false),
                "command" => await CommandAsync(check.Argv!.Value, attempt).ConfigureAwait(false),
                "unit" => await CommandAsync([ToolLocator.Find("systemctl"), "is-active", check.Unit!], attempt).ConfigureAwait(false),
                _ => check.Problem(),
            };
        }
        catch (OperationCanceledException) when (!deadline.IsCancellationRequested)
        {
            return string.Create(CultureInfo.InvariantCulture, $"timed out after {check.AttemptTimeout.TotalSeconds}s");
        }
        catch (HttpRequestException e)
        {
            return e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message;
        }
        catch (SocketException e)
        {
            return e.Message;
        }
        catch (ProcessFailedException e)
        {
            return e.Message;
        }
    }

    private async Task<string?> HttpAsync(HealthCheck check, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(new Uri(check.Url!), HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var expected = check.ExpectStatus ?? 200;
        var status = (int)response.StatusCode;
        return status == expected
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"HTTP {status}, expected {expected}");
    }

    private static async Task<string?> TcpAsync(HealthCheck check, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(check.Host!, check.Port!.Value, cancellationToken).ConfigureAwait(false);
        return null;
    }

    private async Task<string?> CommandAsync(ImmutableArray<string> argv, CancellationToken cancellationToken)
    {
        var spec = new ProcessSpec(argv[0], argv.RemoveAt(0)) { StopGrace = TimeSpan.FromSeconds(1) };
        var result = await _processes.RunAsync(spec, cancellationToken).ConfigureAwait(false);
        if (result.Succeeded)
        {
            return null;
        }

        var output = (result.StandardOutput + result.StandardError).Trim();
        var tail = output.Length > 200 ? output[^200..] : output;
        return string.Create(CultureInfo.InvariantCulture, $"exit code {result.ExitCode}{(tail.Length > 0 ? ": " + tail : string.Empty)}");
    }
}
