using System.Collections.Concurrent;
using System.Collections.Immutable;
using Fleet.Processes;

namespace Fleet.Nodes;

/// <summary>
/// OpenSSH for every node of a run: one multiplexed master connection per node (ControlMaster in
/// a private directory), BatchMode so nothing ever prompts, and host keys checked against what
/// the fleet knows: the key pinned in the node's config (`deployment.hostKey`), else the fleet's
/// own known_hosts file (FLEET_KNOWN_HOSTS, which the CLI sets to known_hosts beside the state
/// database), to which `--trust-on-first-use` (FLEET_SSH_ACCEPT_NEW=1) adds unknown hosts.
/// The user's ~/.ssh/known_hosts is not consulted; the system-wide one and ~/.ssh/config apply.
/// FLEET_SSH_CONFIG names an ssh_config to use instead of ~/.ssh/config (the testbed's).
/// A local target (`fleet apply-local`) needs none of it: its commands run here as they are.
/// </summary>
public sealed class SshConnections : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fleet-ssh-").FullName;
    private readonly ConcurrentDictionary<SshTarget, byte> _used = new();
    private readonly ProcessRunner _runner = new();

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

        var options = ImmutableArray.CreateBuilder<string>();
        if (Environment.GetEnvironmentVariable("FLEET_SSH_CONFIG") is { Length: > 0 } config)
        {
            options.AddRange("-F", config);
        }

        options.AddRange("-o", "BatchMode=yes", "-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=3", "-o", "ConnectTimeout=10");
        if (fresh)
        {
            options.AddRange("-o", "ControlMaster=no", "-o", "ControlPath=none");
        }
        else
        {
            _used.TryAdd(target, 0);
            options.AddRange("-o", "ControlMaster=auto", "-o", $"ControlPath={_dir}/%C", "-o", "ControlPersist=120");
        }

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
        await Task.WhenAll(_used.Keys.Select(async target =>
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _runner.RunAsync(ProcessSpec.Create("ssh", [.. Options(target), "-O", "exit", target.Destination]), timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        })).ConfigureAwait(false);

        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
