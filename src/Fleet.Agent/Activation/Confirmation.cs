namespace Fleet.Agent.Activation;

/// <summary>
/// `confirm`: tells the waiting worker that the deployer still reaches the node (a file
/// /run/fleet-agent/confirm-ID it polls), then waits for and returns the recorded outcome.
/// </summary>
public sealed class Confirmation
{
    private readonly AgentFiles _files;

    public Confirmation(AgentFiles files)
    {
        _files = files;
    }

    /// <summary>The outcome record (or null) and the exit code to report.</summary>
    public async Task<(ActivationRecord? Record, int ExitCode, string Message)> ConfirmAsync(string? id, CancellationToken cancellationToken)
    {
        var active = _files.ReadActive();
        if (active is null || (id is not null && active.Id != id))
        {
            var last = _files.ReadLastActivation();
            if (last is not null && (id is null || last.Id == id))
            {
                return last.Outcome == Outcomes.Confirmed
                    ? (last, ExitCodes.Ok, $"activation {last.Id} is already confirmed")
                    : (last, ExitCodes.AlreadyRolledBack, $"activation {last.Id} is no longer pending: {last.Outcome}{(last.Message is null ? string.Empty : " (" + last.Message + ")")}");
            }

            return (null, ExitCodes.NothingPending, id is null ? "no activation is pending" : $"activation {id} is not pending");
        }

        AgentFiles.WriteText(_files.Paths.ConfirmFile(active.Id), DateTimeOffset.UtcNow.ToString("O"));
        var wait = (active.Deadline is { } deadline ? deadline - DateTimeOffset.UtcNow : TimeSpan.Zero) + TimeSpan.FromMinutes(5);
        var record = await OutcomeWaiter.WaitAsync(_files, active.Id, wait, cancellationToken).ConfigureAwait(false);
        return record switch
        {
            null => (null, ExitCodes.Failed, $"activation {active.Id} recorded no outcome"),
            { Outcome: Outcomes.Confirmed } => (record, ExitCodes.Ok, $"activation {record.Id} confirmed: {record.System}"),
            _ => (record, ExitCodes.AlreadyRolledBack, $"activation {record.Id} was not confirmed: {record.Outcome}{(record.Message is null ? string.Empty : " (" + record.Message + ")")}"),
        };
    }
}
