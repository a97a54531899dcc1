using System.Text;
using System.Text.Json;
using Fleet.Nodes;
using Fleet.Processes;
using Fleet.Protocol;

namespace Fleet.Providers.NixOS;

/// <summary>
/// Rebooting a node (`fleet-agent reboot`, so a deploy user's sudo rule for the agent covers it),
/// then waiting for it to come back running the system it should boot. "Back" means a new boot id
/// (/proc/sys/kernel/random/boot_id): sshd may still answer for a moment while the node shuts
/// down, and the system it runs then is the old one. Once back, the node's health checks run
/// again (`fleet-agent check`): a system that passed them before the reboot may still fail to
/// come up from a cold boot. fleet does not roll back after a reboot; it reports the failure.
/// </summary>
public sealed class NodeReboot
{
    private static readonly TimeSpan s_comeBack = TimeSpan.FromMinutes(10);
    private readonly ProcessRunner _runner;
    private readonly SshConnections _ssh;
    private readonly SudoAccess _sudo;

    public NodeReboot(ProcessRunner runner, SshConnections ssh, SudoAccess sudo)
    {
        _runner = runner;
        _ssh = ssh;
        _sudo = sudo;
    }

    /// <param name="healthChecks">The node's deployment.healthChecks (a JSON array), run once it is back.</param>
    public async Task RunAsync(SshTarget target, string system, string agent, JsonElement healthChecks, ProviderCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(call);
        // Waiting for the node to come back prints nothing for minutes: beats keep the call alive.
        await using var heartbeat = call.KeepAlive();
        var before = await ProbeAsync(target, cancellationToken).ConfigureAwait(false);
        await call.ProgressAsync("rebooting", null, cancellationToken).ConfigureAwait(false);
        await call.LogAsync("info", $"rebooting {target.Host} to boot {system}", cancellationToken).ConfigureAwait(false);
        var reboot = await _runner.RunAsync(_sudo.Agent(target, agent, ["reboot"], fresh: true), cancellationToken).ConfigureAwait(false);
        if (reboot.ExitCode is not (0 or 255))
        {
            // 255: the connection dropped as the node went down, which proves nothing either way.
            throw new ResourceFailedException($"could not reboot {target.Host} (fleet-agent reboot exited {reboot.ExitCode}): {ProcessResult.LastLine(reboot.StandardError)}");
        }

        await Task.Delay(before?.BootId is null ? TimeSpan.FromSeconds(5) : TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        var deadline = DateTime.UtcNow + s_comeBack;
        while (DateTime.UtcNow < deadline)
        {
            if (await ProbeAsync(target, cancellationToken).ConfigureAwait(false) is { } now && (before?.BootId is null || now.BootId != before.BootId))
            {
                if (now.Running != system)
                {
                    throw new ResourceFailedException($"{target.Host} came back from the reboot running {now.Running ?? "nothing"}, not {system}");
                }

                await call.LogAsync("info", $"{target.Host} is back (boot {now.BootId ?? "unknown"}) running {system}", cancellationToken).ConfigureAwait(false);
                await CheckAsync(target, system, agent, healthChecks, call, cancellationToken).ConfigureAwait(false);
                return;
            }

            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
        }

        throw new ResourceFailedException($"{target.Host} did not come back within {s_comeBack.TotalMinutes} minutes of the reboot");
    }

    private async Task CheckAsync(SshTarget target, string system, string agent, JsonElement healthChecks, ProviderCall call, CancellationToken cancellationToken)
    {
        if (healthChecks.ValueKind != JsonValueKind.Array || healthChecks.GetArrayLength() == 0)
        {
            return;
        }

        await call.ProgressAsync("checking", null, cancellationToken).ConfigureAwait(false);
        var check = await _runner.RunAsync(
            _sudo.Agent(target, agent, ["check", "--health-checks", "-"], input: Encoding.UTF8.GetBytes(healthChecks.GetRawText())),
            cancellationToken, null, line => _ = call.LogAsync("info", line, CancellationToken.None)).ConfigureAwait(false);
        if (!check.Succeeded)
        {
            throw new ResourceFailedException(
                $"{target.Host} rebooted into {system}, but its health checks fail there (fleet-agent check exited {check.ExitCode}): " +
                $"{ProcessResult.LastLine(check.StandardError)}; fleet does not roll back after a reboot: `fleet rollback --on {target.Host}` switches to the previous system");
        }
    }

    /// <summary>The node's boot id and running system over a new connection; null when it cannot be reached.</summary>
    private async Task<Probe?> ProbeAsync(SshTarget target, CancellationToken cancellationToken)
    {
        var result = await _runner.RunAsync(
            _ssh.Command(target, ["sh", "-c", "cat /proc/sys/kernel/random/boot_id 2>/dev/null || echo; if [ -e /run/current-system ]; then readlink -f /run/current-system; fi"], fresh: true),
            cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return null;
        }

        var lines = result.StandardOutput.Split('\n');
        string? Line(int i) => lines.Length > i && lines[i].Trim().Length > 0 ? lines[i].Trim() : null;
        return new Probe(Line(0), Line(1));
    }

    private sealed record Probe(string? BootId, string? Running);
}
