using System.Text.Json;

namespace Fleet.Protocol;

/// <summary>The <c>error</c> member of a failed JSON-RPC response.</summary>
public sealed record JsonRpcError(int Code, string Message, JsonElement? Data = null);
