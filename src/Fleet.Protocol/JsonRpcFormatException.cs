namespace Fleet.Protocol;

/// <summary>A line on the wire that is not a valid JSON-RPC 2.0 message; <see cref="Line"/> is what was read.</summary>
public sealed class JsonRpcFormatException : Exception
{
    public JsonRpcFormatException()
    {
    }

    public JsonRpcFormatException(string message)
        : base(message)
    {
    }

    public JsonRpcFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public JsonRpcFormatException(string message, string line, Exception? innerException = null)
        : base(message, innerException)
    {
        Line = line;
    }

    public string Line { get; } = "";
}
