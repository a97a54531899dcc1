using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Fleet.Nodes;
using Fleet.Processes;
using Fleet.Protocol;

namespace Fleet.Providers.Secrets;

/// <summary>
/// The node side of secrets, over the node's SSH connection (or, for apply-local, on this
/// machine): the agent is copied as a store path (it holds no secret), then `fleet-agent write-secret` gets the content on its
/// standard input, framed with its length and SHA-256 (<see cref="SecretUploadFrame"/>) — never
/// in an argv, never in a store.
/// </summary>
public sealed class NodeSecrets
{
    private readonly ProcessRunner _runner;
    private readonly SshConnections _ssh;
    private readonly AgentBundle _agent;
    private readonly ConcurrentDictionary<SshTarget, Lazy<Task<string>>> _agentOnNode = new();

    public NodeSecrets(ProcessRunner runner, SshConnections ssh, AgentBundle agent)
    {
        _runner = runner;
        _ssh = ssh;
        _agent = agent;
    }

    /// <param name="node">The node's name in the fleet, for a message when the connection is lost.</param>
    public async Task<NodeSecret> WriteAsync(SecretInputs inputs, string node, string salt, byte[] content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var agent = await AgentAsync(inputs.Target, cancellationToken).ConfigureAwait(false);
        List<string> argv =
        [
            .. inputs.Target.Privileged(), agent, "write-secret",
            "--dest", inputs.Destination, "--owner", inputs.Owner, "--group", inputs.Group, "--mode", inputs.Mode, "--salt", salt,
        ];
        if (inputs.BeforeActivation)
        {
            argv.Add("--allow-pending-owner");
        }

        // Framed: the agent replaces the file only if all of it arrived with the right digest.
        var frame = SecretUploadFrame.Frame(content);
        ProcessResult result;
        try
        {
            result = await _runner.RunAsync(_ssh.Command(inputs.Target, argv).WithInput(frame), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(frame);
        }

        if (!result.Succeeded && ConnectionLoss.IsLost(result.ExitCode, result.StandardError))
        {
            throw new ResourceFailedException(ConnectionLoss.Describe(
                node, inputs.Target.ToString(), $"the upload of {inputs.Destination}",
                "the node keeps the secret it had (the agent replaces it only once all of it arrived)",
                result.StandardError.Split('\n').TakeLast(5)));
        }

        return result.Succeeded
            ? Parse(result.StandardOutput)
            : throw Failed($"writing {inputs.Destination} on {inputs.Target.Host ?? inputs.Target.Node}", inputs.Target, result);
    }

    public async Task<NodeSecret> StatusAsync(SshTarget target, string destination, string salt, CancellationToken cancellationToken)
    {
        var agent = await AgentAsync(target, cancellationToken).ConfigureAwait(false);
        var result = await _runner.RunAsync(
            _ssh.Command(target, [.. target.Privileged(), agent, "secret-status", "--dest", destination, "--salt", salt]),
            cancellationToken).ConfigureAwait(false);
        return result.Succeeded ? Parse(result.StandardOutput) : throw Failed($"reading {destination} on {target.Host ?? target.Node}", target, result);
    }

    public async Task RemoveAsync(SshTarget target, string destination, CancellationToken cancellationToken)
    {
        var agent = await AgentAsync(target, cancellationToken).ConfigureAwait(false);
        var result = await _runner.RunAsync(
            _ssh.Command(target, [.. target.Privileged(), agent, "remove-secret", "--dest", destination]),
            cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw Failed($"removing {destination} from {target.Host ?? target.Node}", target, result);
        }
    }

    /// <summary>`systemctl try-restart` of units that run now (none before the node's first activation).</summary>
    public async Task<string?> RestartAsync(SshTarget target, IReadOnlyList<string> units, CancellationToken cancellationToken)
    {
        const string Systemctl = "/run/current-system/sw/bin/systemctl";
        var result = await _runner.RunAsync(
            _ssh.Command(target, [.. target.Privileged(), "sh", "-c", $"test -x {Systemctl} || exit 0; exec {Systemctl} try-restart \"$@\"", "sh", .. units]),
            cancellationToken).ConfigureAwait(false);
        return result.Succeeded ? null : $"restarting {string.Join(", ", units)} exited with code {result.ExitCode}: {ProcessResult.LastLine(result.StandardError)}";
    }

    /// <summary>The agent's executable on the node, copied there once per run.</summary>
    private async Task<string> AgentAsync(SshTarget target, CancellationToken cancellationToken)
    {
        var copy = _agentOnNode.GetOrAdd(target, t => new Lazy<Task<string>>(() => CopyAgentAsync(t, cancellationToken)));
        try
        {
            return await copy.Value.ConfigureAwait(false);
        }
        catch
        {
            _agentOnNode.TryRemove(target, out _);
            throw;
        }
    }

    private async Task<string> CopyAgentAsync(SshTarget target, CancellationToken cancellationToken)
    {
        var agent = await _agent.StorePathAsync(cancellationToken).ConfigureAwait(false);
        if (target.IsLocal)
        {
            // apply-local: this store is the node's.
            return AgentBundle.Executable(agent);
        }

        var spec = ProcessSpec.Create("nix-copy-closure", "--to", target.Destination, agent)
            .WithEnvironment("NIX_SSHOPTS", _ssh.NixSshOptions(target));
        var result = await _runner.RunAsync(spec, cancellationToken).ConfigureAwait(false);
        return result.Succeeded
            ? AgentBundle.Executable(agent)
            : throw new ResourceFailedException($"copying fleet-agent to {target} failed (exit {result.ExitCode}): {ProcessResult.LastLine(result.StandardError)}");
    }

    private static NodeSecret Parse(string stdout)
    {
        var line = stdout.Split('\n').LastOrDefault(l => l.StartsWith('{'))
            ?? throw new ResourceFailedException("fleet-agent printed no status");
        using var document = JsonDocument.Parse(line);
        var e = document.RootElement;
        return new NodeSecret(
            e.GetProperty("exists").GetBoolean(), JsonFields.String(e, "owner"), JsonFields.String(e, "group"), JsonFields.String(e, "mode"), JsonFields.String(e, "digest"),
            e.TryGetProperty("pendingOwner", out var p) && p.ValueKind == JsonValueKind.True);
    }

    private static ResourceFailedException Failed(string what, SshTarget target, ProcessResult result) =>
        result.ExitCode == 255 && !target.IsLocal
            ? new ResourceFailedException($"{what}: cannot reach {target} over SSH: {ProcessResult.LastLine(result.StandardError)}")
            : new ResourceFailedException($"{what} failed (fleet-agent exit {result.ExitCode}): {ProcessResult.LastLine(result.StandardError)}");
}
