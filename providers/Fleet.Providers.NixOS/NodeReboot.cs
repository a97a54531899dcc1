using Fleet.Processes;
using Fleet.Protocol;

namespace Fleet.Providers.NixOS;

/// <summary>
/// `systemctl reboot` on a node, then waiting for it to come back running the system it should
/// boot. "Back" means a new boot id (/proc/sys/kernel/random/boot_id): sshd may still answer for
/// a moment while the node shuts down, and the system it runs then is the old one.
/// </summary>
public sealed class NodeReboot
{
    private static readonly TimeSpan s_comeBack = TimeSpan.FromMinutes(10);
    private readonly ProcessRunner _runner;
    private readonly SshConnections _ssh;

    public NodeReboot(ProcessRunner runner, SshConnections ssh)
    {
        _runner = runner;
        _ssh = ssh;
    }

    public async Task RunAsync(SshTarget target, string system, ProviderCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(call);
        var before = await ProbeAsync(target, cancellationToken).ConfigureAwait(false);
        await call.ProgressAsync("rebooting", null, cancellationToken).ConfigureAwait(false);
        await call.LogAsync("info", $"rebooting {target.Host} to boot {system}", cancellationToken).ConfigureAwait(false);
        // The connection may drop before systemctl answers: what it says proves nothing either way.
        await _runner.RunAsync(_ssh.Command(target, [.. SystemDeployment.Privileged(target), "systemctl", "reboot"], fresh: true), cancellationToken).ConfigureAwait(false);
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
                return;
            }

            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
        }

        throw new ResourceFailedException($"{target.Host} did not come back within {s_comeBack.TotalMinutes} minutes of the reboot");
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
