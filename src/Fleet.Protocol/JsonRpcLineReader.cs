using System.Text;

namespace Fleet.Protocol;

/// <summary>
/// Reads newline-delimited JSON-RPC messages from a stream (UTF-8, one object per line). A bad
/// line throws <see cref="JsonRpcFormatException"/> and reading can go on with the next line.
/// </summary>
public sealed class JsonRpcLineReader : IDisposable
{
    private readonly StreamReader _reader;

    public JsonRpcLineReader(Stream stream)
    {
        _reader = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false, bufferSize: 64 * 1024, leaveOpen: true);
    }

    public JsonRpcLineReader(StreamReader reader)
    {
        _reader = reader;
    }

    /// <summary>The next raw line, or null at the end of the stream; empty lines are skipped.</summary>
    public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (await _reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length > 0 && !string.IsNullOrWhiteSpace(line))
            {
                return line;
            }
        }

        return null;
    }

    /// <summary>The next message, or null at the end of the stream.</summary>
    public async Task<JsonRpcMessage?> ReadAsync(CancellationToken cancellationToken)
    {
        var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
        return line is null ? null : JsonRpcMessage.Parse(line);
    }

    public void Dispose() => _reader.Dispose();
}
