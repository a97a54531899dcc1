using System.Diagnostics;
using System.Text.Json;

namespace Fleet.Protocol;

/// <summary>The call a handler is serving: its resource, and the way to send `log` and `progress` for it.</summary>
public sealed class ProviderCall
{
    /// <summary>
    /// How long <see cref="KeepAlive"/> lets the call go without a notification: far below the
    /// engine's default timeout (10 minutes of silence), and a bounded rate on the display.
    /// </summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(30);

    /// <summary>
    /// After `$/cancel`, how long the engine waits for a call's answer without hearing about it:
    /// a cancelled call with cleanup to finish keeps it alive with <see cref="KeepAliveWhileCancelling"/>
    /// (up to two minutes in all); one that goes silent this long is given up.
    /// </summary>
    public static readonly TimeSpan CancelGrace = TimeSpan.FromSeconds(5);

    private readonly JsonRpcLineWriter _writer;
    private long _lastSent = Stopwatch.GetTimestamp();
    private volatile ProgressParams? _lastProgress;

    internal ProviderCall(JsonRpcLineWriter writer, string resource, CredentialsParams? credentials = null)
    {
        _writer = writer;
        Resource = resource;
        Credentials = credentials ?? CredentialsParams.None;
    }

    public string Resource { get; }

    /// <summary>What the engine sent in `$/credentials` before this call (nothing when it sent none).</summary>
    public CredentialsParams Credentials { get; }

    /// <summary>How long since this call last sent a `log` or `progress` (or began).</summary>
    public TimeSpan Silence => Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastSent));

    public Task LogAsync(string level, string text, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _lastSent, Stopwatch.GetTimestamp());
        return _writer.WriteAsync(
            JsonRpcMessage.Notification(ProtocolMethods.Log, JsonSerializer.SerializeToElement(new LogParams(level, Resource, text), ProtocolJsonContext.Default.LogParams)),
            cancellationToken);
    }

    public Task ProgressAsync(string stage, double? fraction, CancellationToken cancellationToken)
    {
        var progress = new ProgressParams(Resource, stage, fraction);
        _lastProgress = progress;
        return SendProgressAsync(progress, cancellationToken);
    }

    /// <summary>A `progress` saying what is worked on now and how far it got (<paramref name="done"/> of <paramref name="expected"/> <paramref name="unit"/>).</summary>
    public Task ProgressAsync(string stage, string? activity, long? done, long? expected, string? unit, CancellationToken cancellationToken)
    {
        double? fraction = done is { } d && expected is { } x && x > 0 ? Math.Clamp((double)d / x, 0, 1) : null;
        var progress = new ProgressParams(Resource, stage, fraction, activity, done, expected, unit);
        _lastProgress = progress;
        return SendProgressAsync(progress, cancellationToken);
    }

    /// <summary>
    /// Until disposed, repeats the call's last `progress` (stage "working" when it sent none)
    /// whenever the call has been silent for <see cref="HeartbeatInterval"/> (or
    /// <paramref name="interval"/>): for a step that works without printing, such as waiting out a
    /// node's confirmation window or its health checks, so the engine does not take it for hung.
    /// A call that prints often sends no heartbeat at all.
    /// </summary>
    public ProviderHeartbeat KeepAlive(TimeSpan? interval = null) => new(this, interval ?? HeartbeatInterval);

    /// <summary>A heartbeat fast enough to keep a cancelled call's answer awaited while its cleanup runs (see <see cref="CancelGrace"/>).</summary>
    public ProviderHeartbeat KeepAliveWhileCancelling() => new(this, CancelGrace / 5);

    internal Task BeatAsync(CancellationToken cancellationToken) =>
        SendProgressAsync(_lastProgress ?? new ProgressParams(Resource, "working"), cancellationToken);

    private Task SendProgressAsync(ProgressParams progress, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _lastSent, Stopwatch.GetTimestamp());
        return _writer.WriteAsync(
            JsonRpcMessage.Notification(ProtocolMethods.Progress, JsonSerializer.SerializeToElement(progress, ProtocolJsonContext.Default.ProgressParams)),
            cancellationToken);
    }
}
