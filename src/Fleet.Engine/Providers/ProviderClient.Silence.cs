using System.Text.Json;
using Fleet.Protocol;

namespace Fleet.Engine.Providers;

/// <summary>
/// A call's timeout is its silence: how long it waits for an answer while nothing is said about
/// its resource, and what happens to a call that stays silent (it alone is cancelled).
/// </summary>
public sealed partial class ProviderClient
{
    /// <summary>
    /// The call's answer, or null once the call has been silent for <paramref name="timeout"/>:
    /// the clock restarts whenever a notification about the call's resource arrives.
    /// </summary>
    private static async Task<JsonRpcMessage?> AnswerUnlessSilentAsync(PendingCall call, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return await call.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        while (true)
        {
            var left = timeout - call.Silence;
            if (left <= TimeSpan.Zero)
            {
                return null;
            }

            try
            {
                return await call.Completion.Task.WaitAsync(left, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Heard from meanwhile, or not: the loop looks at the clock again.
            }
        }
    }

    /// <summary>
    /// Gives up on a call that stayed silent: `$/cancel` tells the provider to stop its work, a late
    /// answer is ignored, and the provider stays in use for its other calls (a silent call is slow,
    /// not proof of a broken provider).
    /// </summary>
    private async Task<ProviderException> AbandonSilentAsync(long id, PendingCall call, TimeSpan timeout)
    {
        // Abandoned before the call leaves _pending, so its late answer is never an unknown id.
        _abandoned[id] = true;
        try
        {
            await _writer.WriteAsync(
                JsonRpcMessage.Notification(ProtocolMethods.Cancel, JsonSerializer.SerializeToElement(new CancelParams(id), ProtocolJsonContext.Default.CancelParams)),
                CancellationToken.None).ConfigureAwait(false);
        }
        catch (IOException)
        {
        }

        var about = call.Resource is null ? "" : $" about `{call.Resource}`";
        var target = call.Resource is null ? Verb(call.Method) : $"{Verb(call.Method)} it";
        return new ProviderException(
            Name,
            call.Resource,
            $"provider `{Name}` said nothing{about} for {Describe(timeout)} while {target}, so fleet cancelled that call; "
            + $"its other calls go on. If this work is slow and quiet, raise `providers.{Name}.timeout` (the seconds a call may go without a `log` or `progress` about its resource, now {timeout.TotalSeconds:0}).");
    }

    /// <summary>Restarts the silence clock of every call in flight about <paramref name="resource"/> (null: the calls about no resource).</summary>
    private void Heard(string? resource)
    {
        foreach (var (_, call) in _pending)
        {
            if (string.Equals(call.Resource, resource, StringComparison.Ordinal))
            {
                call.Heard();
            }
        }
    }

    /// <summary>How long a call to <paramref name="method"/> may stay silent: the declared timeout (none when it is not positive), and at least <see cref="InitializeTimeout"/> for `initialize`.</summary>
    internal static TimeSpan CallTimeout(string method, TimeSpan perCall)
    {
        if (perCall <= TimeSpan.Zero)
        {
            return Timeout.InfiniteTimeSpan;
        }

        return method == ProtocolMethods.Initialize && perCall < InitializeTimeout ? InitializeTimeout : perCall;
    }

    private static string Describe(TimeSpan timeout) =>
        timeout.TotalSeconds < 120 ? $"{timeout.TotalSeconds:0.###}s" : $"{timeout.TotalMinutes:0.#}m";
}
