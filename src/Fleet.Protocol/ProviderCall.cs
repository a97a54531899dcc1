using System.Text.Json;

namespace Fleet.Protocol;

/// <summary>The call a handler is serving: its resource, and the way to send `log` and `progress` for it.</summary>
public sealed class ProviderCall
{
    private readonly JsonRpcLineWriter _writer;

    internal ProviderCall(JsonRpcLineWriter writer, string resource, CredentialsParams? credentials = null)
    {
        _writer = writer;
        Resource = resource;
        Credentials = credentials ?? CredentialsParams.None;
    }

    public string Resource { get; }

    /// <summary>What the engine sent in `$/credentials` before this call (nothing when it sent none).</summary>
    public CredentialsParams Credentials { get; }

    public Task LogAsync(string level, string text, CancellationToken cancellationToken) =>
        _writer.WriteAsync(
            JsonRpcMessage.Notification(ProtocolMethods.Log, JsonSerializer.SerializeToElement(new LogParams(level, Resource, text), ProtocolJsonContext.Default.LogParams)),
            cancellationToken);

    public Task ProgressAsync(string stage, double? fraction, CancellationToken cancellationToken) =>
        _writer.WriteAsync(
            JsonRpcMessage.Notification(ProtocolMethods.Progress, JsonSerializer.SerializeToElement(new ProgressParams(Resource, stage, fraction), ProtocolJsonContext.Default.ProgressParams)),
            cancellationToken);
}
