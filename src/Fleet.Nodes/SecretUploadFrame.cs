using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Fleet.Nodes;

/// <summary>
/// `fleet-agent write-secret`'s standard input (docs/agent.md): the ASCII header
/// "fleet-secret 1 LENGTH\n", exactly LENGTH bytes of content, the ASCII trailer
/// "sha256 HEX\n" (64 lowercase hex digits of the content's SHA-256), then end of stream.
/// End of stream alone cannot tell a complete upload from a cut one (a killed ssh client closes
/// the pipe just like a finished one), so the length and digest travel with the content — on
/// stdin, never in argv, where every user of the node could read them.
/// </summary>
public static class SecretUploadFrame
{
    public const int Version = 1;

    private const string HeaderPrefix = "fleet-secret ";
    private const string TrailerPrefix = "sha256 ";
    private const int MaxHeaderLength = 40;
    private static readonly int s_trailerLength = TrailerPrefix.Length + 64 + 1;

    /// <summary>The content framed for write-secret's stdin.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> content)
    {
        var header = Encoding.ASCII.GetBytes($"{HeaderPrefix}{Version} {content.Length.ToString(CultureInfo.InvariantCulture)}\n");
        var trailer = Encoding.ASCII.GetBytes($"{TrailerPrefix}{Convert.ToHexStringLower(SHA256.HashData(content))}\n");
        var frame = new byte[header.Length + content.Length + trailer.Length];
        header.CopyTo(frame, 0);
        content.CopyTo(frame.AsSpan(header.Length));
        trailer.CopyTo(frame, header.Length + content.Length);
        return frame;
    }

    /// <summary>
    /// Reads one frame from <paramref name="input"/>, handing the content to <paramref name="write"/>
    /// as it comes; returns normally only if exactly the announced length arrived, the trailer
    /// matched and the stream ended right after it. Otherwise throws <see cref="SecretUploadException"/>
    /// and the caller throws away what it was given. Never reads past the frame's end plus one byte.
    /// </summary>
    public static async Task<long> ReadAsync(Stream input, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(write);
        var length = await ReadHeaderAsync(input, cancellationToken).ConfigureAwait(false);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        try
        {
            var received = 0L;
            while (received < length)
            {
                var read = await input.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length - received)), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new SecretUploadException(
                        $"the upload ended after {received.ToString(CultureInfo.InvariantCulture)} of {length.ToString(CultureInfo.InvariantCulture)} bytes of content (the sender stopped or was cut off)");
                }

                sha.AppendData(buffer, 0, read);
                await write(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                received += read;
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }

        var trailer = new byte[s_trailerLength];
        if (await input.ReadAtLeastAsync(trailer, trailer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false) < trailer.Length)
        {
            throw new SecretUploadException("the upload ended after its content, before the 'sha256 HEX' trailer");
        }

        var expected = Encoding.ASCII.GetBytes($"{TrailerPrefix}{Convert.ToHexStringLower(sha.GetHashAndReset())}\n");
        if (!trailer.AsSpan(0, TrailerPrefix.Length).SequenceEqual(expected.AsSpan(0, TrailerPrefix.Length)) || trailer[^1] != (byte)'\n')
        {
            throw new SecretUploadException("the upload's trailer is not 'sha256 HEX' (64 lowercase hex digits)");
        }

        if (!CryptographicOperations.FixedTimeEquals(trailer, expected))
        {
            throw new SecretUploadException("the content's SHA-256 does not match the upload's trailer (it changed on the way)");
        }

        if (await input.ReadAsync(new byte[1], cancellationToken).ConfigureAwait(false) != 0)
        {
            throw new SecretUploadException("more bytes came after the trailer (one upload per write-secret)");
        }

        return length;
    }

    /// <summary>"fleet-secret 1 LENGTH\n", read byte by byte so not one byte of content is taken with it.</summary>
    private static async Task<long> ReadHeaderAsync(Stream input, CancellationToken cancellationToken)
    {
        var header = new byte[MaxHeaderLength];
        var count = 0;
        while (true)
        {
            if (await input.ReadAsync(header.AsMemory(count, 1), cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new SecretUploadException(count == 0
                    ? "the upload is empty: write-secret wants a 'fleet-secret 1 LENGTH' header, the content and a 'sha256 HEX' trailer on stdin"
                    : "the upload ended inside its 'fleet-secret 1 LENGTH' header");
            }

            if (header[count] == (byte)'\n')
            {
                break;
            }

            if (++count == header.Length)
            {
                throw NotFramed();
            }
        }

        // Only ASCII digits and the fixed words are ever parsed or named; the bytes may be content
        // from a sender that does not frame, so the message never repeats them.
        var text = Encoding.ASCII.GetString(header, 0, count);
        if (!text.StartsWith(HeaderPrefix, StringComparison.Ordinal))
        {
            throw NotFramed();
        }

        var fields = text[HeaderPrefix.Length..].Split(' ');
        if (fields.Length != 2 || !IsNumber(fields[0]) || !IsNumber(fields[1]) || fields[1].Length > 18)
        {
            throw NotFramed();
        }

        return fields[0] == Version.ToString(CultureInfo.InvariantCulture)
            ? long.Parse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture)
            : throw new SecretUploadException($"the upload's format version is {(fields[0].Length <= 9 ? fields[0] : "too large")}; this fleet-agent reads version {Version}");
    }

    private static bool IsNumber(string text) => text.Length > 0 && text.All(char.IsAsciiDigit) && (text.Length == 1 || text[0] != '0');

    private static SecretUploadException NotFramed() =>
        new("the upload does not start with a 'fleet-secret 1 LENGTH' header (unframed content, or a fleet that does not match this agent)");
}
