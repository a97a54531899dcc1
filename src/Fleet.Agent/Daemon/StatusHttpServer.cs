using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Fleet.Agent.Daemon;

/// <summary>
/// A tiny HTTP/1.1 responder on a raw socket (no HttpListener, so it stays NativeAOT-friendly):
/// GET /status (JSON), GET /metrics (Prometheus text); one request per connection.
/// </summary>
public sealed class StatusHttpServer : IDisposable
{
    private readonly Socket _listener;
    private readonly Func<string, (int Status, string ContentType, string Body)> _respond;

    public StatusHttpServer(IPEndPoint endPoint, Func<string, (int Status, string ContentType, string Body)> respond)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        _respond = respond;
        _listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Bind(endPoint);
        _listener.Listen(64);
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    public static IPEndPoint ParseEndPoint(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return IPEndPoint.TryParse(text, out var endPoint) && endPoint.Port > 0
            ? endPoint
            : throw new UsageException($"--http wants ADDRESS:PORT (e.g. 127.0.0.1:9100), not '{text}'");
    }

    public async Task ServeAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _ = HandleAsync(client, cancellationToken);
        }
    }

    public void Dispose() => _listener.Dispose();

    private async Task HandleAsync(Socket client, CancellationToken cancellationToken)
    {
        using (client)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                var request = await ReadHeadAsync(client, timeout.Token).ConfigureAwait(false);
                var parts = request.Split(' ');
                (int Status, string ContentType, string Body) response = parts.Length < 3
                    ? (400, "text/plain", "bad request\n")
                    : parts[0] is not ("GET" or "HEAD")
                        ? (405, "text/plain", "only GET\n")
                        : _respond(parts[1].Split('?')[0]);
                var body = Encoding.UTF8.GetBytes(response.Body);
                var head = string.Create(
                    CultureInfo.InvariantCulture,
                    $"HTTP/1.1 {response.Status} {Reason(response.Status)}\r\nContent-Type: {response.ContentType}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
                await client.SendAsync(Encoding.ASCII.GetBytes(head), SocketFlags.None, timeout.Token).ConfigureAwait(false);
                if (parts.Length >= 1 && parts[0] != "HEAD")
                {
                    await client.SendAsync(body, SocketFlags.None, timeout.Token).ConfigureAwait(false);
                }

                client.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or IOException)
            {
                // The client went away or was too slow; nothing to answer.
            }
        }
    }

    /// <summary>Reads up to the blank line; returns the request line.</summary>
    private static async Task<string> ReadHeadAsync(Socket client, CancellationToken cancellationToken)
    {
        var buffer = new byte[8192];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await client.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            length += read;
            if (Encoding.ASCII.GetString(buffer, 0, length).Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                break;
            }
        }

        var text = Encoding.ASCII.GetString(buffer, 0, length);
        var end = text.IndexOf("\r\n", StringComparison.Ordinal);
        return end < 0 ? text : text[..end];
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Error",
    };
}
