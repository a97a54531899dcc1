using System.Collections.Immutable;
using Fleet.Processes;

namespace Fleet.Nodes;

/// <summary>
/// OpenSSH for every node of a run: one multiplexed master connection per node (a control socket
/// in a private directory), BatchMode so nothing ever prompts, and host keys checked against what
/// the fleet knows: the key pinned in the node's config (`deployment.hostKey`), else the fleet's
/// own known_hosts file (FLEET_KNOWN_HOSTS, which the CLI sets to known_hosts beside the state
/// database), to which `--trust-on-first-use` (FLEET_SSH_ACCEPT_NEW=1) adds unknown hosts.
/// The user's ~/.ssh/known_hosts is not consulted; the system-wide one and ~/.ssh/config apply.
/// FLEET_SSH_CONFIG names an ssh_config to use instead of ~/.ssh/config (the testbed's).
/// <para>
/// The master is this process's own child (<see cref="SshMaster"/>), started at a node's first
/// shared command and again after it ended (a reboot, a lost link): not OpenSSH's ControlPersist,
/// whose master daemonizes out of the provider's process group and session and outlived a killed
/// provider. Commands only use it (ControlMaster=no): one that finds no master ready connects on
/// its own, as ssh does without a master.
/// </para>
/// A local target (`fleet apply-local`) needs none of it: its commands run here as they are.
/// </summary>
public sealed class SshConnections : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fleet-ssh-").FullName;
    private readonly Dictionary<SshTarget, SshMaster> _masters = [];
    private readonly List<(SshTarget Target, SshMaster Master)> _ended = [];
    private readonly Lock _gate = new();
    private readonly ProcessRunner _runner = new();
    private int _started;

    /// <summary>The fleet's known_hosts: FLEET_KNOWN_HOSTS, else ~/.ssh/fleet_known_hosts (only outside the CLI).</summary>
    public static string KnownHostsFile =>
        Environment.GetEnvironmentVariable("FLEET_KNOWN_HOSTS") is { Length: > 0 } file
            ? file
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ssh", "fleet_known_hosts");

    /// <summary>Options for ssh and for NIX_SSHOPTS; `fresh` bypasses the master (a new connection).</summary>
    public ImmutableArray<string> Options(SshTarget target, bool fresh = false)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.Host is null || target.IsLocal)
        {
            // No SSH for this node: a node without a targetHost, or the one apply-local deploys.
            throw target.IsLocal ? new InvalidOperationException($"{target} is reached without SSH") : target.NoHost();
        }

        // ssh takes an option's first value: these come first, before the node's own options.
        var connection = ConnectionOptions(target);
        return fresh
            ? ["-o", "ControlMaster=no", "-o", "ControlPath=none", .. connection]
            : ["-o", "ControlMaster=no", "-o", $"ControlPath={Master(target, connection).Socket}", .. connection];
    }

    /// <summary>Everything but the control options: config, timeouts, host keys, port, the node's own options.</summary>
    private ImmutableArray<string> ConnectionOptions(SshTarget target)
    {
        var options = ImmutableArray.CreateBuilder<string>();
        if (Environment.GetEnvironmentVariable("FLEET_SSH_CONFIG") is { Length: > 0 } config)
        {
            options.AddRange("-F", config);
        }

        options.AddRange("-o", "BatchMode=yes", "-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=3", "-o", "ConnectTimeout=10");

        if (target.HostKey is { } key)
        {
            var file = Path.Combine(_dir, $"known_hosts-{Math.Abs(StringComparer.Ordinal.GetHashCode(target.Host + target.Port))}");
            var name = target.Port is { } port and not 22 ? $"[{target.Host}]:{port}" : target.Host;
            File.WriteAllText(file, $"{name} {key.Trim()}\n");
            options.AddRange("-o", $"UserKnownHostsFile={file}", "-o", "GlobalKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=yes");
        }
        else
        {
            var known = KnownHostsFile;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(known))!);
            var tofu = Environment.GetEnvironmentVariable("FLEET_SSH_ACCEPT_NEW") == "1";
            options.AddRange("-o", $"UserKnownHostsFile={known}", "-o", $"StrictHostKeyChecking={(tofu ? "accept-new" : "yes")}");
        }

        if (target.Port is { } p)
        {
            options.AddRange("-p", p.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        options.AddRange(target.Options);
        return options.ToImmutable();
    }

    /// <summary>The node's live master, started now when it has none (or its last one ended).</summary>
    private SshMaster Master(SshTarget target, ImmutableArray<string> connection)
    {
        lock (_gate)
        {
            if (_masters.TryGetValue(target, out var master) && master.IsAlive)
            {
                return master;
            }

            // A new socket for each master: a killed one leaves its socket file behind.
            var socket = Path.Combine(_dir, $"m{++_started}");
            if (master is not null)
            {
                _ended.Add((target, master));
            }

            return _masters[target] = SshMaster.Start(_runner, connection, target.Destination, socket);
        }
    }

    /// <summary>What to do about a refused host key, when ssh's output says it refused one; else "".</summary>
    public static string HostKeyHint(SshTarget target, string sshOutput)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (sshOutput?.Contains("Host key verification failed", StringComparison.Ordinal) != true)
        {
            return "";
        }

        return target.HostKey is null
            ? $"\n  {target.Host}'s SSH host key is unknown to this fleet or differs from the one it knows ({KnownHostsFile}): " +
              "pin it as deployment.hostKey, or accept a new host's key once with `fleet apply --trust-on-first-use` (a changed key is never accepted)"
            : $"\n  {target.Host}'s SSH host key differs from its pinned deployment.hostKey";
    }

    /// <summary>
    /// ssh argv running `command` (a list of words, each quoted for the remote shell); for a local
    /// target, the command itself.
    /// </summary>
    public ProcessSpec Command(SshTarget target, IEnumerable<string> remoteArgv, bool fresh = false)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(remoteArgv);
        if (target.IsLocal)
        {
            var argv = remoteArgv.ToList();
            return ProcessSpec.Create(argv[0], argv.Skip(1));
        }

        return ProcessSpec.Create("ssh", [.. Options(target, fresh), target.Destination, "--", .. remoteArgv.Select(ProcessSpec.ShellQuote)]);
    }

    /// <summary>NIX_SSHOPTS for nix-copy-closure: the same options, space-separated.</summary>
    public string NixSshOptions(SshTarget target)
    {
        var options = Options(target);
        var bad = options.FirstOrDefault(o => o.Any(char.IsWhiteSpace));
        return bad is null
            ? string.Join(' ', options)
            : throw new Fleet.Protocol.ResourceFailedException($"SSH option `{bad}` contains whitespace, which NIX_SSHOPTS cannot carry");
    }

    public async ValueTask DisposeAsync()
    {
        // Close every master at once: a fleet of nodes should not wait for them one by one.
        (SshTarget Target, SshMaster Master)[] masters;
        lock (_gate)
        {
            masters = [.. _masters.Select(m => (m.Key, m.Value)), .. _ended];
            _masters.Clear();
            _ended.Clear();
        }

        await Task.WhenAll(masters.Select(m => m.Master.CloseAsync(_runner, ConnectionOptions(m.Target), m.Target.Destination))).ConfigureAwait(false);

        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
