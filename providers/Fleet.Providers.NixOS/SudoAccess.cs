using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text;
using Fleet.Nodes;
using Fleet.Processes;
using Fleet.Protocol;

namespace Fleet.Providers.NixOS;

/// <summary>
/// How a non-root target user (or apply-local with `--sudo`) runs the agent as root, through the
/// node's deployment.privilegeEscalationCommand (default `sudo -H --`). With sudo: `sudo -n` when
/// the node lets it without a password (services.fleet-deploy-user), else `sudo -S` with the run's
/// password (`--ask-sudo-password`) written as the first line of the command's stdin — never
/// argv; `sudo` is $FLEET_SUDO when set. Any other command (doas, a wrapper) is used as given and
/// must not ask for a password. Found once per node and run by asking it to run `fleet-agent
/// version`, so a node that needs a password nobody gave, or refuses the one given, fails at
/// once with a clear message instead of hanging on a prompt.
/// </summary>
public sealed class SudoAccess
{
    private readonly ProcessRunner _runner;
    private readonly SshConnections _ssh;
    private readonly ConcurrentDictionary<string, Lazy<Task<Escalation>>> _found = new(StringComparer.Ordinal);

    public SudoAccess(ProcessRunner runner, SshConnections ssh)
    {
        _runner = runner;
        _ssh = ssh;
    }

    /// <summary>Finds (once per node) how `agent` runs as root there; throws a clear failure when it cannot.</summary>
    public Task<Escalation> ProbeAsync(SshTarget target, string agentExecutable, CredentialsParams credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(credentials);
        if (!target.NeedsEscalation)
        {
            return Task.FromResult(Escalation.None);
        }

        // One answer per node and run: a refused password is not tried again.
        return _found.GetOrAdd(target.ToString(), _ => new Lazy<Task<Escalation>>(() => FindAsync(target, agentExecutable, credentials.SudoPassword, cancellationToken))).Value;
    }

    /// <summary>What was found for this node, or the command without a password when nothing was probed (root: nothing).</summary>
    public Escalation For(SshTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return !target.NeedsEscalation ? Escalation.None
            : _found.TryGetValue(target.ToString(), out var lazy) && lazy.Value.IsCompletedSuccessfully ? lazy.Value.Result
            : Escalation.WithoutPassword(target);
    }

    /// <summary>
    /// ssh (or, locally, nothing) running the fleet-agent at `agentStorePath` as root on the node (as found for it, see
    /// <see cref="For"/>), with `input` on its stdin after the sudo password when there is one.
    /// </summary>
    public ProcessSpec Agent(SshTarget target, string agentStorePath, IEnumerable<string> arguments, bool fresh = false, ReadOnlyMemory<byte>? input = null)
    {
        var sudo = For(target);
        var spec = _ssh.Command(target, [.. sudo.Prefix, AgentBundle.Executable(agentStorePath), .. arguments], fresh);
        return sudo.Apply(input is { } bytes ? spec.WithInput(bytes) : spec);
    }

    private async Task<Escalation> FindAsync(SshTarget target, string agent, string? password, CancellationToken cancellationToken)
    {
        var without = Escalation.WithoutPassword(target);
        var quiet = await _runner.RunAsync(_ssh.Command(target, [.. without.Prefix, agent, "version"]), cancellationToken).ConfigureAwait(false);
        if (quiet.Succeeded)
        {
            return without;
        }

        if (quiet.ExitCode == 255 && !target.IsLocal)
        {
            throw SystemDeployment.Unreachable(target, quiet);
        }

        var who = User(target);
        var where = Where(target);
        var command = string.Join(' ', target.PrivilegeEscalation);
        if (!target.EscalatesWithSudo || !quiet.StandardError.Contains("password is required", StringComparison.Ordinal))
        {
            throw new ResourceFailedException($"{who} cannot run the fleet agent with `{command}` (deployment.privilegeEscalationCommand) {where}: {Last(quiet.StandardError)}");
        }

        if (password is null)
        {
            throw new ResourceFailedException(
                $"sudo {where} needs a password for {who}: rerun with --ask-sudo-password, or enable services.fleet-deploy-user on the node");
        }

        var withPassword = new Escalation(target.PrivilegedWithPassword()!.Value, password);
        var tried = await _runner.RunAsync(
            withPassword.Apply(_ssh.Command(target, [.. withPassword.Prefix, agent, "version"])), cancellationToken).ConfigureAwait(false);
        if (tried.Succeeded)
        {
            return withPassword;
        }

        if (tried.ExitCode == 255 && !target.IsLocal)
        {
            throw SystemDeployment.Unreachable(target, tried);
        }

        var said = Last(tried.StandardError.Replace(password, "***", StringComparison.Ordinal));
        throw tried.StandardError.Contains("incorrect password", StringComparison.Ordinal) || tried.StandardError.Contains("Sorry, try again", StringComparison.Ordinal)
            ? new ResourceFailedException($"sudo {where} did not accept the password given for {who} ({said}); rerun with --ask-sudo-password and type it again")
            : new ResourceFailedException($"{who} cannot run the fleet agent with sudo {where}: {said}");
    }

    private static string User(SshTarget target) =>
        target.IsLocal ? Environment.UserName : target.User ?? "ssh's default user";

    private static string Where(SshTarget target) => target.IsLocal ? "on this machine" : $"on {target.Host}";

    private static string Last(string text) =>
        ProcessResult.LastLine(text) is { Length: > 0 } line ? line : "(sudo said nothing)";

    /// <summary>The words put before a privileged command, and the password sudo reads first from stdin.</summary>
    public sealed record Escalation(ImmutableArray<string> Prefix, string? Password)
    {
        public static Escalation None { get; } = new([], null);

        /// <summary>The node's escalation command, non-interactive (sudo gets `-n`).</summary>
        public static Escalation WithoutPassword(SshTarget target)
        {
            ArgumentNullException.ThrowIfNull(target);
            return new([.. target.Privileged()], null);
        }

        /// <summary>The command with the password as the first line of its stdin (before any input it has) and masked.</summary>
        public ProcessSpec Apply(ProcessSpec spec)
        {
            ArgumentNullException.ThrowIfNull(spec);
            if (Password is null)
            {
                return spec;
            }

            var line = Encoding.UTF8.GetBytes(Password + "\n");
            var rest = spec.StandardInput ?? ReadOnlyMemory<byte>.Empty;
            var input = new byte[line.Length + rest.Length];
            line.CopyTo(input, 0);
            rest.CopyTo(input.AsMemory(line.Length));
            return spec.WithSecret(Password).WithInput(input);
        }

        public override string ToString() => $"Escalation {{ Prefix = {string.Join(' ', Prefix)}, Password = {(Password is null ? "none" : "***")} }}";
    }
}
