namespace Fleet.Agent.Activation;

/// <summary>
/// `reject --id ID`: the deployer's word that activation ID must not stay (its run was
/// cancelled). It writes /run/fleet-agent/reject-ID, which the worker watches while it switches,
/// runs its health checks and awaits confirmation; the worker then rolls back at once, without
/// waiting for the confirm timeout (outcome rolled-back-manual). A worker that has not started
/// yet finds the marker first and changes nothing. Then it waits (up to a bound) for the outcome.
/// </summary>
public sealed class Rejection
{
    private readonly AgentFiles _files;

    public Rejection(AgentFiles files)
    {
        _files = files;
    }

    /// <summary>The outcome record (or null) and the exit code: 0 rolled back (or nothing changed), 1 kept or unknown yet, 3 not pending.</summary>
    public async Task<(ActivationRecord? Record, int ExitCode, string Message)> RejectAsync(string id, TimeSpan wait, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        if (_files.ReadLastActivation() is { } last && last.Id == id)
        {
            return Ended(last);
        }

        AgentFiles.WriteText(_files.Paths.RejectFile(id), DateTimeOffset.UtcNow.ToString("O"));
        if (_files.ReadActive() is not { } active || active.Id != id)
        {
            // It may still be starting (its SSH session was cut right after `activate`); the marker stops it.
            var late = await OutcomeWaiter.WaitAsync(_files, id, TimeSpan.FromSeconds(Math.Min(wait.TotalSeconds, 2)), cancellationToken).ConfigureAwait(false);
            return late is null
                ? (null, ExitCodes.NothingPending, $"activation {id} is not pending; if it starts, it changes nothing")
                : Ended(late);
        }

        var record = await OutcomeWaiter.WaitAsync(_files, id, wait, cancellationToken).ConfigureAwait(false);
        return record is null
            ? (null, ExitCodes.Failed, $"activation {id} was told to roll back; it had not finished within {wait.TotalSeconds:0}s (it rolls back when its current step ends)")
            : Ended(record);
    }

    private static (ActivationRecord?, int, string) Ended(ActivationRecord record) => record switch
    {
        { ExitCode: ExitCodes.FailedBeforeSwitch } => (record, ExitCodes.Ok, $"activation {record.Id} changed nothing: {record.Message}"),
        { Outcome: Outcomes.RolledBackManual or Outcomes.RolledBackHealth or Outcomes.RolledBackSwitch or Outcomes.RolledBackTimeout } =>
            (record, ExitCodes.Ok, $"activation {record.Id} rolled back to {record.Previous}: {record.Message}"),
        _ => (record, ExitCodes.Failed, $"activation {record.Id} already ended as {record.Outcome}; it was not rolled back{(record.Message is null ? "" : ": " + record.Message)}"),
    };
}
