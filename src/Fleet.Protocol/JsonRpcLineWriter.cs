namespace Fleet.Protocol;

/// <summary>Writes JSON-RPC messages one per line; safe to call from concurrent requests.</summary>
public sealed class JsonRpcLineWriter : IDisposable
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();
    private readonly Stream _stream;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public JsonRpcLineWriter(Stream stream)
    {
        _stream = stream;
    }

    public async Task WriteAsync(JsonRpcMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var bytes = message.ToUtf8();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(bytes, CancellationToken.None).ConfigureAwait(false);
            await _stream.WriteAsync(NewLine, CancellationToken.None).ConfigureAwait(false);
            await _stream.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
