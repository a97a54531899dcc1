using Fleet.Processes;

namespace Fleet.Agent.Activation;

/// <summary>
/// `rollback`: back to the exact system that ran before the last activation. A pending
/// activation is told to roll back (its worker does it); otherwise this takes the lock and does it:
/// a new profile generation and `switch`, or after a `test` activation only `test` (no generation).
/// </summary>
public sealed class ManualRollback
{
    private readonly AgentFiles _files;

    public ManualRollback(AgentFiles files)
    {
        _files = files;
    }

    public async Task<(ActivationRecord? Record, int ExitCode, string Message)> RollBackAsync(string profile, CancellationToken cancellationToken)
    {
        if (_files.ReadActive() is { State: "awaiting-confirmation" } pending)
        {
            AgentFiles.WriteText(_files.Paths.RejectFile(pending.Id), DateTimeOffset.UtcNow.ToString("O"));
            var outcome = await OutcomeWaiter.WaitAsync(_files, pending.Id, TimeSpan.FromMinutes(5), cancellationToken).ConfigureAwait(false);
            return outcome is { Outcome: Outcomes.RolledBackManual }
                ? (outcome, ExitCodes.Ok, $"activation {pending.Id} rolled back to {outcome.Previous}")
                : (outcome, ExitCodes.Failed, $"activation {pending.Id} ended as {outcome?.Outcome ?? "unknown"}: {outcome?.Message}");
        }

        using var activationLock = ActivationLock.Acquire(_files);
        var current = SystemSwitcher.CurrentSystem(_files.Paths);
        var last = _files.ReadLastActivation();
        if (last?.Previous is null || last.System != current)
        {
            return (last, ExitCodes.FailedNoRollback, last is null
                ? "no activation is recorded, so there is no previous system to go back to"
                : $"the running system {current ?? "(none)"} is not the one fleet-agent last activated ({last.System}, {last.Outcome}); no previous system is known for it");
        }

        var start = DateTimeOffset.UtcNow;
        var id = "rollback-" + start.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var log = _files.Paths.LogFile(id);
        Directory.CreateDirectory(_files.Paths.LogDirectory);
        await using var logWriter = new StreamWriter(log, append: true) { AutoFlush = true };
        var switcher = new SystemSwitcher(new ProcessRunner(logWriter.WriteLine), (_, line) =>
        {
            logWriter.WriteLine(line);
            Console.Error.WriteLine(line);
        });
        var target = last.Previous;
        // After `test` the profile never moved: going back is activating the previous system again.
        var goal = last.Goal == "test" ? "test" : "switch";
        var setProfile = goal == "switch" ? await switcher.SetProfileAsync(profile, target, cancellationToken).ConfigureAwait(false) : null;
        var switched = setProfile is { Succeeded: false } ? setProfile : await switcher.SwitchAsync(target, goal, cancellationToken).ConfigureAwait(false);
        var ok = switched.Succeeded;
        var record = new ActivationRecord(
            id, target, current, goal, start, DateTimeOffset.UtcNow, ok ? Outcomes.RolledBackManual : Outcomes.Failed, ok ? ExitCodes.Ok : ExitCodes.FailedNoRollback,
            ok ? $"rolled back from {current} to {target}" : $"rolling back to {target} failed with exit code {switched.ExitCode}", [], log);
        _files.WriteLastActivation(record);
        return (record, record.ExitCode, record.Message!);
    }
}
