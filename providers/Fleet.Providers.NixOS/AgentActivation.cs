using System.Globalization;
using System.Text;
using System.Text.Json;
using Fleet.Nodes;
using Fleet.Processes;
using Fleet.Protocol;

namespace Fleet.Providers.NixOS;

/// <summary>
/// One activation through fleet-agent on a node: `activate` over the node's SSH master, then
/// `confirm` over a fresh connection (retried until the node's deadline, so one failed connect
/// does not roll a good system back). If the SSH session drops while the node activates (the
/// activation restarted sshd or cut the network), the activation goes on there: it is found again
/// by its id through `status` over fresh connections, then confirmed or reported as rolled back.
/// When the call is cancelled (the deployer's second Ctrl-C) while the node activates, the node is
/// told over a fresh connection to roll back now (`reject`) instead of waiting for its confirm
/// timeout. A local activation (apply-local) has no connection to lose and no fresh one to
/// confirm over: it runs without magic rollback; a failed health check still rolls it back.
/// </summary>
public sealed class AgentActivation
{
    private static readonly TimeSpan s_poll = TimeSpan.FromSeconds(1);

    /// <summary>How long a cancelled activation may take to tell its node to roll back (the connection, then the node's answer).</summary>
    private static readonly TimeSpan s_rejectTimeout = TimeSpan.FromSeconds(45);
    private readonly ProcessRunner _runner;
    private readonly SudoAccess _sudo;

    /// <param name="sudo">How the agent runs as root on each node (and over which SSH connections).</param>
    public AgentActivation(ProcessRunner runner, SudoAccess sudo)
    {
        _sudo = sudo;
        _runner = runner;
    }

    /// <summary>Activates `system` and confirms it; returns the system that ran before (null on a first deployment).</summary>
    public async Task<string?> RunAsync(SystemInputs inputs, string system, string agent, ProviderCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(call);
        // Health checks, a dropped session followed over new connections and the confirmation
        // window can each be quiet for minutes: beats keep the call alive (the agent's lines and
        // stages, when there are some, do it without them).
        await using var heartbeat = call.KeepAlive();
        var id = NewId();
        try
        {
            var started = await ActivateAsync(inputs, system, agent, id, call, cancellationToken).ConfigureAwait(false);
            if (started.AwaitingConfirmation)
            {
                await call.ProgressAsync("confirming", null, cancellationToken).ConfigureAwait(false);
                await ConfirmAsync(inputs, system, agent, id, started.Previous, call, cancellationToken).ConfigureAwait(false);
            }

            return started.Previous;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && inputs.Goal != "dry-activate")
        {
            await RejectAsync(inputs, agent, id, call).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The call was cancelled while activation `id` may be under way on the node: `reject` over a
    /// fresh connection makes the node roll back now (or, not started yet, change nothing). Not
    /// bound to the cancelled token, but bounded: a node out of reach rolls back by itself at its
    /// confirm timeout. The call's answer waits for it: a second Ctrl-C does not cut it short
    /// (a third exits at once).
    /// </summary>
    private async Task RejectAsync(SystemInputs inputs, string agent, string id, ProviderCall call)
    {
        // The engine waits for a cancelled call's answer only while it hears about it: the beats
        // keep it waiting until the node has answered (or the bound is up).
        await using var beats = call.KeepAliveWhileCancelling();
        using var bound = new CancellationTokenSource(s_rejectTimeout);
        string said;
        var ok = false;
        try
        {
            var wait = ((int)(s_rejectTimeout.TotalSeconds - 15)).ToString(CultureInfo.InvariantCulture);
            var reject = await _runner.RunAsync(_sudo.Agent(inputs.Target, agent, ["reject", "--id", id, "--wait", wait], fresh: true), bound.Token).ConfigureAwait(false);
            said = ProcessResult.LastLine(reject.StandardError + reject.StandardOutput);
            ok = reject.ExitCode is 0 or 3;
        }
        catch (OperationCanceledException)
        {
            said = $"no answer within {s_rejectTimeout.TotalSeconds:0}s";
        }

        await call.LogAsync(
            ok ? "warning" : "error",
            ok ? $"cancelled: told {inputs.Target.Host} to roll back activation {id} now: {said}"
               : $"cancelled: could not make {inputs.Target.Host} roll back activation {id} now ({said}); " +
                 (inputs.MagicRollback ? "unless it was confirmed, it rolls back by itself at its confirm timeout" : "its state is unknown"),
            CancellationToken.None).ConfigureAwait(false);
    }

    private async Task<Started> ActivateAsync(SystemInputs inputs, string system, string agent, string id, ProviderCall call, CancellationToken cancellationToken)
    {
        var argv = new List<string>
        {
            "activate", "--id", id, "--system", system, "--goal", inputs.Goal,
            "--health-checks", "-", "--confirm-timeout", inputs.ConfirmTimeoutText, "--json",
        };
        if (!inputs.MagicRollback || inputs.Target.IsLocal)
        {
            argv.Add("--no-magic-rollback");
        }

        if (!inputs.RollbackOnHealthFailure)
        {
            argv.Add("--no-rollback-on-health-failure");
        }

        var spec = _sudo.Agent(inputs.Target, agent, argv, input: Encoding.UTF8.GetBytes(inputs.HealthChecks.GetRawText()));
        var awaiting = false;
        var finished = false;
        string? previous = null;
        string? message = null;
        var checks = new List<HealthResult>();
        // What the activation said (its events, in the run's log): the context of a failure.
        var output = new Queue<string>();
        // stderr: the agent's human echo of the same events, and ssh's or sudo's own words when
        // the agent never ran. Only the latter are news: used only when no event arrived.
        var stderr = new Queue<string>();
        var rollingBack = false;
        var result = await _runner.RunAsync(spec, cancellationToken, line =>
        {
            if (!TryParse(line, out var e))
            {
                Remember(output, line);
                _ = call.LogAsync("info", line, CancellationToken.None);
                return;
            }

            previous ??= System(JsonFields.String(e, "previous"));
            switch (JsonFields.String(e, "event"))
            {
                case "stage":
                    // What a rollback prints is the previous system's switch: no context for what failed.
                    rollingBack |= JsonFields.String(e, "stage") == "rolling-back";
                    _ = call.ProgressAsync(JsonFields.String(e, "stage") ?? "activating", null, CancellationToken.None);
                    break;
                case "output":
                    if (!rollingBack)
                    {
                        Remember(output, JsonFields.String(e, "line") ?? "");
                    }

                    // What a dry activation says it would do is its result.
                    _ = call.LogAsync(inputs.Goal == "dry-activate" ? "notice" : "info", JsonFields.String(e, "line") ?? "", CancellationToken.None);
                    break;
                case "check" when Check(e) is { } check:
                    lock (checks)
                    {
                        checks.Add(check);
                    }

                    _ = call.LogAsync("info", HealthLine(check), CancellationToken.None);
                    break;
                case "awaiting-confirmation":
                    awaiting = true;
                    break;
                case "finished":
                    finished = true;
                    message = JsonFields.String(e, "message");
                    break;
                default:
                    break;
            }
        }, line => Remember(stderr, line)).ConfigureAwait(false);

        if (result.ExitCode == 0 && (awaiting || finished))
        {
            return new Started(awaiting, previous);
        }

        if (result.ExitCode == 255 && !finished && inputs.Goal == "dry-activate" && !inputs.Target.IsLocal)
        {
            // A dry run leaves no record on the node to find it by; it changed nothing either way.
            var lost = $"lost the SSH session to {inputs.Target.Host} during dry-activate (nothing changes on the node)";
            throw new ResourceFailedException(string.Join("\n  ", [lost, .. ActivationFailure.Context(lost, stderr)]));
        }

        if (result.ExitCode == 255 && !finished && !inputs.Target.IsLocal)
        {
            // ssh itself failed: before the agent started (nothing happened) or the session dropped
            // while the node activates. Only the node knows which.
            await call.LogAsync("warning", $"lost the SSH session to {inputs.Target.Host} during activation {id}; following it over new connections", cancellationToken).ConfigureAwait(false);
            return await FindAsync(inputs, agent, id, previous, call, cancellationToken).ConfigureAwait(false);
        }

        if (!finished && result.ExitCode != 255)
        {
            // The agent did not get to say anything (sudo refused, the agent missing): its stderr is the news.
            foreach (var line in stderr)
            {
                Remember(output, line);
            }
        }

        throw new ResourceFailedException(result.ExitCode == 255
            ? string.Join("\n  ", [$"cannot reach {inputs.Target} over SSH", .. ActivationFailure.Context("", stderr)])
            : ActivationFailure.Describe(result.ExitCode, message, previous, checks, output));
    }

    /// <summary>A health check result as one line of the log: `health: tcp 127.0.0.1:9999 ok`.</summary>
    public static string HealthLine(HealthResult check)
    {
        ArgumentNullException.ThrowIfNull(check);
        return check.Ok ? $"health: {check.Name} ok" : $"health: {check.Name} failed: {check.Reason}";
    }

    private static HealthResult? Check(JsonElement e)
    {
        try
        {
            return e.TryGetProperty("check", out var c) && c.ValueKind == JsonValueKind.Object ? c.Deserialize(NixosJsonContext.Default.HealthResult) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Polls `status` over fresh connections until the activation `id` awaits confirmation or has ended.</summary>
    private async Task<Started> FindAsync(SystemInputs inputs, string agent, string id, string? previous, ProviderCall call, CancellationToken cancellationToken)
    {
        // Health checks and the confirmation wait both happen on the node after the session dropped.
        var deadline = DateTime.UtcNow.AddSeconds(inputs.ConfirmTimeout + 30);
        var seen = false;
        var absent = 0;
        string? lastError = null;
        while (DateTime.UtcNow < deadline)
        {
            var status = await _runner.RunAsync(
                _sudo.Agent(inputs.Target, agent, ["status", "--json"], fresh: true),
                cancellationToken).ConfigureAwait(false);
            if (status.Succeeded && TryParseObject(status.StandardOutput, out var report))
            {
                if (report.TryGetProperty("lastActivation", out var last) && last.ValueKind == JsonValueKind.Object && JsonFields.String(last, "id") == id)
                {
                    var outcome = JsonFields.String(last, "outcome");
                    previous ??= System(JsonFields.String(last, "previous"));
                    if (outcome is "confirmed" or "activated")
                    {
                        return new Started(false, previous);
                    }

                    var code = last.TryGetProperty("exitCode", out var x) && x.ValueKind == JsonValueKind.Number ? x.GetInt32() : 1;
                    var health = last.TryGetProperty("health", out var h) && h.ValueKind == JsonValueKind.Array
                        ? h.EnumerateArray().Select(r => r.Deserialize(NixosJsonContext.Default.HealthResult)).OfType<HealthResult>().ToList()
                        : [];
                    throw new ResourceFailedException(
                        ActivationFailure.Describe(code, JsonFields.String(last, "message"), previous, health, []) +
                        " (the SSH session dropped during the activation)");
                }

                if (report.TryGetProperty("pending", out var pending) && pending.ValueKind == JsonValueKind.Object && JsonFields.String(pending, "id") == id)
                {
                    seen = true;
                    previous ??= System(JsonFields.String(pending, "previous"));
                    if (JsonFields.String(pending, "state") == "awaiting-confirmation")
                    {
                        return new Started(true, previous);
                    }
                }
                else if (!seen && ++absent >= 3)
                {
                    // Reachable for a few polls and the activation is neither pending nor recorded: it never started.
                    throw new ResourceFailedException($"cannot reach {inputs.Target} over SSH to activate (the agent did not start activation {id}); nothing changed");
                }
            }
            else
            {
                lastError = ProcessResult.LastLine(status.StandardError);
            }

            await Task.Delay(s_poll, cancellationToken).ConfigureAwait(false);
        }

        throw new ResourceFailedException(ConnectionLoss.Describe(
            ConnectionLoss.NodeName(call.Resource), inputs.Target.ToString(), $"activation {id}",
            "it could not be reached again; " +
            (inputs.MagicRollback ? $"unless it was confirmed, the node rolls back to {previous ?? "its previous system"} by itself" : "its state is unknown"),
            lastError is null ? [] : [lastError]));
    }

    private async Task ConfirmAsync(SystemInputs inputs, string system, string agent, string id, string? previous, ProviderCall call, CancellationToken cancellationToken)
    {
        // The node rolls back at its own deadline; trying a little past ours lets the last answer say so.
        var deadline = DateTime.UtcNow.AddSeconds(inputs.ConfirmTimeout + 2);
        while (true)
        {
            var confirm = await _runner.RunAsync(
                _sudo.Agent(inputs.Target, agent, ["confirm", "--id", id], fresh: true),
                cancellationToken).ConfigureAwait(false);
            var said = ProcessResult.LastLine(confirm.StandardError + confirm.StandardOutput);
            switch (confirm.ExitCode)
            {
                case 0:
                    return;
                case 4:
                    throw new ResourceFailedException(
                        $"activated {system} on {inputs.Target.Host}, but no confirmation reached the node within {inputs.ConfirmTimeout} s " +
                        $"(did the new system cut the deployer off?); the node rolled back to {previous ?? "its previous system"}: {said}");
                case 255 when DateTime.UtcNow < deadline:
                    await call.LogAsync("warning", $"confirming over a new SSH connection failed ({said}); retrying", cancellationToken).ConfigureAwait(false);
                    await Task.Delay(s_poll, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    throw new ResourceFailedException(
                        $"activated {system} on {inputs.Target.Host} but could not confirm over a new SSH connection (exit {confirm.ExitCode}: {said}); " +
                        $"the node rolls back to {previous ?? "its previous system"} by itself within {inputs.ConfirmTimeout} s");
            }
        }
    }

    /// <summary>A unique activation id the outcome can be found by (the agent allows [A-Za-z0-9._-], 64 at most).</summary>
    private static string NewId() =>
        "fleet-" + DateTime.UtcNow.ToString("yyyyMMddTHHmmss", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>The agent says "none" for no previous system; fleet says null.</summary>
    private static string? System(string? path) => path is null or "none" ? null : path;

    private static bool TryParse(string line, out JsonElement element) =>
        TryParseObject(line, out element) && element.TryGetProperty("event", out _);

    private static bool TryParseObject(string text, out JsonElement element)
    {
        element = default;
        if (!text.TrimStart().StartsWith('{'))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            element = document.RootElement.Clone();
            return element.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    internal static void Remember(Queue<string> tail, string line)
    {
        lock (tail)
        {
            tail.Enqueue(line);
            while (tail.Count > 15)
            {
                tail.Dequeue();
            }
        }
    }

    private sealed record Started(bool AwaitingConfirmation, string? Previous);
}
