using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Fleet.Agent.Health;

namespace Fleet.Agent.Daemon;

/// <summary>
/// `daemon`: runs the health checks every interval (results in /var/lib/fleet-agent/health.json)
/// and answers status: the status JSON to anyone connecting to the unix socket, and
/// GET /status and /metrics over HTTP when asked to listen.
/// </summary>
public sealed class AgentDaemon
{
    private readonly AgentFiles _files;
    private readonly ImmutableArray<HealthCheck> _checks;
    private readonly TimeSpan _interval;

    public AgentDaemon(AgentFiles files, ImmutableArray<HealthCheck> checks, TimeSpan interval)
    {
        _files = files;
        _checks = checks;
        _interval = interval;
    }

    public async Task RunAsync(string socketPath, IPEndPoint? http, CancellationToken cancellationToken, Action<string>? onListening = null)
    {
        var tasks = new List<Task> { CheckLoopAsync(cancellationToken) };
        Directory.CreateDirectory(Path.GetDirectoryName(socketPath)!);
        File.Delete(socketPath);
        using var unix = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        unix.Bind(new UnixDomainSocketEndPoint(socketPath));
        unix.Listen(16);
        tasks.Add(ServeUnixAsync(unix, cancellationToken));
        onListening?.Invoke($"unix:{socketPath}");

        using var server = http is null ? null : new StatusHttpServer(http, Respond);
        if (server is not null)
        {
            tasks.Add(server.ServeAsync(cancellationToken));
            onListening?.Invoke($"http://{server.LocalEndPoint}");
        }

        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(socketPath);
        }
    }

    public string StatusJson() => JsonSerializer.Serialize(StatusReader.Read(_files), AgentJsonContext.Default.StatusReport);

    private (int Status, string ContentType, string Body) Respond(string path) => path switch
    {
        "/status" => (200, "application/json", StatusJson() + "\n"),
        "/metrics" => (200, "text/plain; version=0.0.4; charset=utf-8", MetricsText.Render(StatusReader.Read(_files))),
        _ => (404, "text/plain", "not found: try /status or /metrics\n"),
    };

    private async Task CheckLoopAsync(CancellationToken cancellationToken)
    {
        if (_checks.IsEmpty)
        {
            return;
        }

        using var runner = new HealthCheckRunner();
        using var timer = new PeriodicTimer(_interval);
        do
        {
            // A check run while an activation switches would race it; the activation runs its own.
            if (_files.ReadActive() is null)
            {
                var report = await runner.RunAsync(_checks, _interval, cancellationToken).ConfigureAwait(false);
                _files.WriteHealth(report);
            }
        }
        while (await WaitAsync(timer, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task ServeUnixAsync(Socket listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            using (client)
            {
                try
                {
                    await client.SendAsync(Encoding.UTF8.GetBytes(StatusJson() + "\n"), SocketFlags.None, cancellationToken).ConfigureAwait(false);
                    client.Shutdown(SocketShutdown.Both);
                }
                catch (SocketException)
                {
                }
            }
        }
    }
}
