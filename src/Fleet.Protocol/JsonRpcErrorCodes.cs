namespace Fleet.Protocol;

/// <summary>JSON-RPC 2.0 error codes, plus the provider protocol's application range (-32000 to -32099).</summary>
public static class JsonRpcErrorCodes
{
    public const int ParseError = -32700;
    public const int InvalidRequest = -32600;
    public const int MethodNotFound = -32601;
    public const int InvalidParams = -32602;
    public const int InternalError = -32603;

    /// <summary>The resource operation failed; <c>data</c> is <c>{"diagnostics": [...]}</c>.</summary>
    public const int ResourceFailed = -32000;

    /// <summary>The request was cancelled by <c>$/cancel</c> before it finished.</summary>
    public const int RequestCancelled = -32001;

    /// <summary>
    /// A request other than <c>initialize</c> or <c>shutdown</c> came before <c>initialize</c>
    /// (the code LSP uses for the same rule). A second <c>initialize</c> is <see cref="InvalidRequest"/>.
    /// </summary>
    public const int ServerNotInitialized = -32002;
}
