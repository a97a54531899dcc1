using Fleet.Nodes;

namespace Fleet.Fuzz.Targets;

/// <summary>
/// `fleet-agent write-secret`'s stdin: <see cref="SecretUploadFrame.ReadAsync"/> over the input.
/// Clean rejection: <see cref="SecretUploadException"/>. What it accepts must be exactly one frame:
/// the content it handed on, framed again, is the input byte for byte.
/// </summary>
public sealed class SecretUploadFrameTarget : FuzzTarget
{
    public override string Name => "secret-upload-frame";

    public override string Description => "write-secret's framed stdin through SecretUploadFrame.ReadAsync; rejects with SecretUploadException";

    public override void Run(byte[] input)
    {
        using var content = new MemoryStream();
        long length;
        try
        {
            using var stdin = new MemoryStream(input, writable: false);
            length = SecretUploadFrame.ReadAsync(stdin, (chunk, ct) => content.WriteAsync(chunk, ct), CancellationToken.None)
                .GetAwaiter().GetResult();
        }
        catch (SecretUploadException)
        {
            return;
        }

        if (length != content.Length || !SecretUploadFrame.Frame(content.ToArray()).AsSpan().SequenceEqual(input))
        {
            throw new FuzzFindingException($"an accepted upload of {length} bytes is not the frame of the {content.Length} bytes it handed on");
        }
    }
}
