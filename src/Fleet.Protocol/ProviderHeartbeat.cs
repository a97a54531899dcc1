namespace Fleet.Protocol;

/// <summary>
/// A call's heartbeat (<see cref="ProviderCall.KeepAlive"/>): while it lives, a call silent for
/// the interval repeats its last `progress`; disposing it stops the beats.
/// </summary>
public sealed class ProviderHeartbeat : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    internal ProviderHeartbeat(ProviderCall call, TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        _loop = Task.Run(() => BeatAsync(call, interval, _stop.Token));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private static async Task BeatAsync(ProviderCall call, TimeSpan interval, CancellationToken cancellationToken)
    {
        // Looking three times an interval keeps the longest silence under 4/3 of it.
        using var timer = new PeriodicTimer(interval / 3);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            if (call.Silence >= interval)
            {
                try
                {
                    await call.BeatAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (IOException)
                {
                    // The engine is gone; the call ends with it.
                    return;
                }
            }
        }
    }
}
