namespace Fleet.Protocol;

/// <summary>Fails one request with a specific JSON-RPC error code (method not found, invalid params).</summary>
public sealed class ProtocolErrorException : Exception
{
    public ProtocolErrorException()
    {
    }

    public ProtocolErrorException(string message)
        : base(message)
    {
    }

    public ProtocolErrorException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ProtocolErrorException(int code, string message)
        : base(message)
    {
        Code = code;
    }

    public int Code { get; } = JsonRpcErrorCodes.InternalError;
}
