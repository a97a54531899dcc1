namespace Fleet.Nodes;

/// <summary>
/// A write-secret upload that is not one complete, verified frame: cut short, wrong digest, bytes
/// after the trailer, or no frame at all. The message says which, never what the content was.
/// </summary>
public sealed class SecretUploadException : IOException
{
    public SecretUploadException()
    {
    }

    public SecretUploadException(string message)
        : base(message)
    {
    }

    public SecretUploadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
