namespace Fleet.Agent.Activation;

/// <summary>Waits until last-activation.json holds the outcome of a given activation.</summary>
public static class OutcomeWaiter
{
    public static async Task<ActivationRecord?> WaitAsync(AgentFiles files, string id, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        var until = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            if (files.ReadLastActivation() is { } record && record.Id == id)
            {
                return record;
            }

            if (DateTimeOffset.UtcNow >= until)
            {
                return null;
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }
}
