using System.Collections.Immutable;
using System.Text;
using Fleet.Nodes;
using Fleet.Processes;

namespace Fleet.Providers.Hooks;

/// <summary>
/// Runs one hook: locally as a child of the provider, or on the node over SSH (under apply-local,
/// the node is this machine and the same `sh -s` runs here). On the node the
/// environment and the command travel as a small `sh -s` script on stdin, so nothing but `sh -s`
/// appears in any argv and no SendEnv is needed. Every output line goes to `onLine`.
/// </summary>
public sealed class HookExecution
{
    private readonly ProcessRunner _runner;
    private readonly SshConnections _ssh;

    public HookExecution(ProcessRunner runner, SshConnections ssh)
    {
        _runner = runner;
        _ssh = ssh;
    }

    /// <summary>The exit code; throws <see cref="TimeoutException"/> when the hook's timeout passes first.</summary>
    public async Task<int> RunAsync(HookInputs inputs, ImmutableSortedDictionary<string, string> environment, Action<string> onLine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(environment);
        var spec = inputs.OnNode ? RemoteSpec(inputs, environment) : LocalSpec(inputs, environment);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(inputs.Timeout);
        try
        {
            var result = await _runner.RunAsync(spec with { StopGrace = TimeSpan.FromSeconds(2) }, timeout.Token, onLine, onLine).ConfigureAwait(false);
            return result.ExitCode;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"timed out after {inputs.Timeout.TotalSeconds:0.#} s");
        }
    }

    /// <summary>Locally: argv as it is, or the script with `bash -euo pipefail -c`.</summary>
    private static ProcessSpec LocalSpec(HookInputs inputs, ImmutableSortedDictionary<string, string> environment)
    {
        var spec = inputs.Script is { } script
            ? ProcessSpec.Create("bash", "-euo", "pipefail", "-c", script)
            : ProcessSpec.Create(inputs.Argv[0], inputs.Argv[1..]);
        return environment.Aggregate(spec, (s, e) => s.WithEnvironment(e.Key, e.Value));
    }

    /// <summary>
    /// On the node: `ssh ... sh -s` reading exports and an exec line from stdin. The script runs
    /// with `sh -eu -c`; the remote side also enforces the timeout with coreutils `timeout` when
    /// it has one, since closing the SSH session does not stop a remote command.
    /// </summary>
    private ProcessSpec RemoteSpec(HookInputs inputs, ImmutableSortedDictionary<string, string> environment)
    {
        var text = new StringBuilder();
        foreach (var (name, value) in environment)
        {
            text.Append("export ").Append(name).Append('=').Append(ProcessSpec.ShellQuote(value)).Append('\n');
        }

        ImmutableArray<string> command = inputs.Script is { } script ? ["sh", "-eu", "-c", script] : inputs.Argv;
        var words = string.Join(' ', command.Select(ProcessSpec.ShellQuote));
        var seconds = Math.Ceiling(inputs.Timeout.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        text.Append("if command -v timeout >/dev/null 2>&1; then exec timeout -k 5 ").Append(seconds).Append(' ').Append(words)
            .Append("; else exec ").Append(words).Append("; fi\n");
        return _ssh.Command(inputs.Target!, ["sh", "-s"]).WithInput(Encoding.UTF8.GetBytes(text.ToString()));
    }
}
