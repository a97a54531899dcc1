using System.Collections.Immutable;
using System.Text.Json;
using Fleet.Agent.Health;
using Fleet.Nodes;
using Fleet.Processes;

namespace Fleet.Agent.Activation;

/// <summary>
/// The detached half of `activate`: runs in its own session with its stdio on the activation
/// log, so a dropped SSH connection cannot stop it. It holds the activation lock, records the
/// exact previous system, switches, checks, waits for confirmation and rolls back to that
/// previous system when anything fails. Every step is a JSON event line on its stdout (the log).
/// </summary>
public sealed class ActivationWorker
{
    private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(100);
    private readonly AgentFiles _files;
    private readonly ActivationRequest _request;
    private readonly TextWriter _events;
    private readonly SystemSwitcher _switcher;
    private readonly DateTimeOffset _start = DateTimeOffset.UtcNow;
    private string? _previous;
    private ProfileBefore? _profileBefore;
    private ImmutableArray<HealthResult> _health = [];

    /// <summary>The health of the system running before this activation: it describes that system again once it is rolled back to.</summary>
    private HealthReport? _healthBefore;

    public ActivationWorker(AgentFiles files, ActivationRequest request, TextWriter events)
    {
        _files = files;
        _request = request;
        _events = events;
        _switcher = new SystemSwitcher(
            new ProcessRunner(line => Emit(new ActivationEvent("output") { Stream = "agent", Line = line })),
            (stream, line) => Emit(new ActivationEvent("output") { Stream = stream, Line = line }));
    }

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        Emit(new ActivationEvent("started")
        {
            Id = _request.Id, Pid = Environment.ProcessId, System = _request.System, Goal = _request.Goal, Log = _files.Paths.LogFile(_request.Id),
        });
        ActivationLock activationLock;
        try
        {
            activationLock = ActivationLock.Acquire(_files);
        }
        catch (ActivationBusyException e)
        {
            Emit(new ActivationEvent("finished") { Id = _request.Id, Outcome = "busy", ExitCode = ExitCodes.Busy, Message = e.Message });
            return ExitCodes.Busy;
        }

        using (activationLock)
        {
            ActivationRecord record;
            try
            {
                record = await ActivateAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                record = Record(Outcomes.Failed, ExitCodes.Failed, $"internal error: {e}");
            }

            // A dry run is no activation: the record of the last real one (and what `rollback`
            // goes back to) stays as it was.
            if (_request.Goal != "dry-activate")
            {
                _files.WriteLastActivation(record);
            }

            _files.DeleteActive();
            File.Delete(_files.Paths.ConfirmFile(_request.Id));
            File.Delete(_files.Paths.RejectFile(_request.Id));
            Emit(new ActivationEvent("finished")
            {
                Id = record.Id, Outcome = record.Outcome, ExitCode = record.ExitCode, Message = record.Message, System = record.System, Previous = record.Previous,
            });
            return record.ExitCode;
        }
    }

    private async Task<ActivationRecord> ActivateAsync(CancellationToken cancellationToken)
    {
        _previous = SystemSwitcher.CurrentSystem(_files.Paths);
        _healthBefore = _files.ReadHealth();
        SetActive("running", deadline: null);
        Stage("recorded-previous", previous: _previous ?? "none");
        if (Rejected)
        {
            // `reject` came before this worker started (the deployer's run was cancelled): change nothing.
            return Record(Outcomes.Failed, ExitCodes.FailedBeforeSwitch, "rollback requested before the switch; nothing changed");
        }

        if (!File.Exists(Path.Combine(_request.System, "bin", "switch-to-configuration")))
        {
            return Record(Outcomes.Failed, ExitCodes.FailedBeforeSwitch, $"{_request.System} is not a system: it has no bin/switch-to-configuration (was its closure copied?)");
        }

        var checks = await HealthCheckFile.LoadAsync(_request.ChecksFile, cancellationToken).ConfigureAwait(false);

        if (_request.SetsProfile)
        {
            Stage("setting-profile");
            _profileBefore = new ProfileBefore(SystemSwitcher.Generation(_request.Profile), SystemSwitcher.HighestGeneration(_request.Profile));
            var profile = await _switcher.SetProfileAsync(_request.Profile, _request.System, cancellationToken).ConfigureAwait(false);
            if (!profile.Succeeded)
            {
                return Record(Outcomes.Failed, ExitCodes.FailedBeforeSwitch, $"nix-env --set failed with exit code {profile.ExitCode}; nothing was switched");
            }
        }

        Stage("switching");
        var switched = await _switcher.SwitchAsync(_request.System, _request.Goal, cancellationToken).ConfigureAwait(false);
        if (!switched.Succeeded)
        {
            var why = $"switch-to-configuration {_request.Goal} exited with code {switched.ExitCode}";
            return _request.Goal == "dry-activate"
                ? Record(Outcomes.Failed, ExitCodes.FailedBeforeSwitch, why)
                : await RollBackAsync(Outcomes.RolledBackSwitch, ExitCodes.SwitchFailedRolledBack, why, cancellationToken).ConfigureAwait(false);
        }

        if (_request.ChangesRunningSystem)
        {
            // Secrets uploaded before this activation created their owner get it now.
            foreach (var line in new Secrets.PendingOwners(_files.Paths).Apply())
            {
                Emit(new ActivationEvent("output") { Stream = "agent", Line = line });
            }
        }

        if (Rejected && _request.Goal != "dry-activate")
        {
            return await RollBackAsync(Outcomes.RolledBackManual, ExitCodes.RolledBackOnRequest, "rollback requested during the switch", cancellationToken).ConfigureAwait(false);
        }

        if (_request.ChangesRunningSystem && checks.Length > 0)
        {
            Stage("health-checks");
            using var runner = new HealthCheckRunner();
            HealthReport report;
            // `reject` stops the checks at once: the deployer wants the previous system back now.
            using (var rejection = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                var watch = WatchForRejectionAsync(rejection);
                try
                {
                    report = await runner.RunAsync(
                        checks, _request.HealthTimeout, rejection.Token, result => Emit(new ActivationEvent("check") { Check = result })).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    return await RollBackAsync(Outcomes.RolledBackManual, ExitCodes.RolledBackOnRequest, "rollback requested during the health checks", cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    await rejection.CancelAsync().ConfigureAwait(false);
                    await watch.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
            }

            _health = report.Results;
            _files.WriteHealth(report);
            if (!report.Ok)
            {
                var failed = string.Join(", ", report.Results.Where(r => !r.Ok).Select(r => $"{r.Name}: {r.Message}"));
                return _request.RollbackOnHealthFailure
                    ? await RollBackAsync(Outcomes.RolledBackHealth, ExitCodes.HealthFailedRolledBack, $"health checks failed: {failed}", cancellationToken).ConfigureAwait(false)
                    : Record(Outcomes.Failed, ExitCodes.HealthFailedKept, $"health checks failed (kept, --no-rollback-on-health-failure): {failed}");
            }
        }

        if (!_request.WaitsForConfirmation)
        {
            return Record(_request.Goal == "dry-activate" ? Outcomes.DryActivated : Outcomes.Activated, ExitCodes.Ok, null);
        }

        var deadline = DateTimeOffset.UtcNow + _request.ConfirmTimeout;
        SetActive("awaiting-confirmation", deadline);
        Emit(new ActivationEvent("awaiting-confirmation") { Id = _request.Id, Deadline = deadline, System = _request.System, Previous = _previous });
        switch (await WaitForConfirmationAsync(deadline, cancellationToken).ConfigureAwait(false))
        {
            case true:
                Stage("confirmed");
                return Record(Outcomes.Confirmed, ExitCodes.Ok, null);
            case false:
                return await RollBackAsync(Outcomes.RolledBackManual, ExitCodes.RolledBackOnRequest, "rollback requested while awaiting confirmation", cancellationToken).ConfigureAwait(false);
            default:
                return await RollBackAsync(
                    Outcomes.RolledBackTimeout, ExitCodes.TimeoutRolledBack, $"no confirmation within {_request.ConfirmTimeout.TotalSeconds}s", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>`fleet-agent reject` (or `rollback` while awaiting confirmation) asked for the previous system back.</summary>
    private bool Rejected => File.Exists(_files.Paths.RejectFile(_request.Id));

    /// <summary>Cancels <paramref name="rejection"/> when the reject marker appears (or it is cancelled otherwise).</summary>
    private async Task WatchForRejectionAsync(CancellationTokenSource rejection)
    {
        while (!rejection.IsCancellationRequested)
        {
            if (Rejected)
            {
                await rejection.CancelAsync().ConfigureAwait(false);
                return;
            }

            await Task.Delay(s_poll, rejection.Token).ConfigureAwait(false);
        }
    }

    /// <summary>true: confirmed; false: rollback requested; null: the deadline passed.</summary>
    private async Task<bool?> WaitForConfirmationAsync(DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (File.Exists(_files.Paths.RejectFile(_request.Id)))
            {
                return false;
            }

            if (File.Exists(_files.Paths.ConfirmFile(_request.Id)))
            {
                return true;
            }

            if (DateTimeOffset.UtcNow >= deadline)
            {
                return null;
            }

            await Task.Delay(s_poll, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Undoes what this activation did, and only that: the profile goes back to the generation it
    /// was on (the one this activation made is deleted), and for switch and test the exact
    /// system that ran before runs again (switch: `switch`, or `test` then the profile's `boot`
    /// when the profile booted another system; test: `test`, no generation). Boot activated
    /// nothing: the profile's system only becomes the boot default again.
    /// </summary>
    private async Task<ActivationRecord> RollBackAsync(string outcome, int exitCode, string why, CancellationToken cancellationToken)
    {
        if (_previous is null && _request.ChangesRunningSystem)
        {
            return Record(Outcomes.Failed, ExitCodes.FailedNoRollback, $"{why}; there is no previous system (first deployment), so it cannot roll back");
        }

        if (!_request.ChangesRunningSystem && _profileBefore?.Generation is null)
        {
            return Record(Outcomes.Failed, ExitCodes.FailedNoRollback, $"{why}; the system profile had no generation before, so there is nothing to go back to");
        }

        Stage("rolling-back", previous: _previous ?? "none");
        if (_request.SetsProfile && await RestoreProfileAsync(cancellationToken).ConfigureAwait(false) is { } profileFailure)
        {
            return Record(Outcomes.Failed, ExitCodes.FailedNoRollback, $"{why}; {profileFailure}");
        }

        var bootDefault = _profileBefore?.Generation is { } generation ? SystemSwitcher.SystemOf(_request.Profile, generation) : null;
        var steps = new List<(string System, string Action)>();
        if (_request.ChangesRunningSystem)
        {
            var alsoBoots = _request.Goal == "switch" && (bootDefault is null || bootDefault == _previous);
            steps.Add((_previous!, alsoBoots ? "switch" : "test"));
        }

        if (_request.SetsProfile && bootDefault is not null && !steps.Any(s => s.Action == "switch"))
        {
            steps.Add((bootDefault, "boot"));
        }

        foreach (var (system, action) in steps)
        {
            var switched = await _switcher.SwitchAsync(system, action, cancellationToken).ConfigureAwait(false);
            if (!switched.Succeeded)
            {
                return Record(Outcomes.Failed, ExitCodes.FailedNoRollback, $"{why}; switch-to-configuration {action} of {system} failed with exit code {switched.ExitCode} while rolling back");
            }
        }

        if (_request.ChangesRunningSystem)
        {
            // health.json says how the running system is; the failed checks stay in this activation's record.
            _files.RestoreHealth(_healthBefore);
        }

        return Record(outcome, exitCode, _request.ChangesRunningSystem
            ? $"{why}; rolled back to {_previous}"
            : $"{why}; the profile is back on generation {_profileBefore?.Generation} ({bootDefault}), nothing was activated");
    }

    /// <summary>Puts the profile back on the generation it was on; deletes the generation this activation made. Null, or what failed.</summary>
    private async Task<string?> RestoreProfileAsync(CancellationToken cancellationToken)
    {
        var now = SystemSwitcher.Generation(_request.Profile);
        if (_profileBefore is not { Generation: { } before } || now == before)
        {
            return null;
        }

        var back = await _switcher.SwitchGenerationAsync(_request.Profile, before, cancellationToken).ConfigureAwait(false);
        if (!back.Succeeded)
        {
            return $"switching the profile back to generation {before} failed with exit code {back.ExitCode}";
        }

        // Only a generation `--set` made: it may have reused the last one, which existed before.
        if (now is { } made && made > (_profileBefore.Highest ?? 0))
        {
            var deleted = await _switcher.DeleteGenerationAsync(_request.Profile, made, cancellationToken).ConfigureAwait(false);
            if (!deleted.Succeeded)
            {
                Emit(new ActivationEvent("output") { Stream = "agent", Line = $"could not delete generation {made} of {_request.Profile} (exit {deleted.ExitCode}); it stays, unused" });
            }
        }

        return null;
    }

    private ActivationRecord Record(string outcome, int exitCode, string? message) =>
        new(_request.Id, _request.System, _previous, _request.Goal, _start, DateTimeOffset.UtcNow, outcome, exitCode, message, _health, _files.Paths.LogFile(_request.Id));

    private void SetActive(string state, DateTimeOffset? deadline) =>
        _files.WriteActive(new ActiveActivation(
            _request.Id, Environment.ProcessId, _start, _request.System, _previous, _request.Goal, state, deadline, _files.Paths.LogFile(_request.Id)));

    private void Stage(string stage, string? previous = null) => Emit(new ActivationEvent("stage") { Stage = stage, Previous = previous });

    private void Emit(ActivationEvent activationEvent)
    {
        lock (_events)
        {
            _events.WriteLine(JsonSerializer.Serialize(activationEvent, AgentJsonContext.Default.ActivationEvent));
            _events.Flush();
        }
    }

    /// <summary>The profile before this activation set it: its current and its highest generation.</summary>
    private sealed record ProfileBefore(int? Generation, int? Highest);
}
