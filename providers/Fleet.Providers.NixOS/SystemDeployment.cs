using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Fleet.Nodes;
using Fleet.Processes;
using Fleet.Protocol;

namespace Fleet.Providers.NixOS;

/// <summary>
/// The steps of deploying one node: realise the system (here or on the node), copy the closure
/// and the agent, let the agent activate, confirm over a fresh SSH connection, record outputs.
/// A local target (apply-local) is built here, copies nothing (this store is the node's) and
/// activates through the local agent.
/// </summary>
public sealed class SystemDeployment
{
    private static readonly string[] s_useSubstitutes = ["--use-substitutes"];
    private readonly ProcessRunner _runner;
    /// <summary>nix's structured log on stderr: what builds, bytes copied of how many (<see cref="NixActivityLog"/>).</summary>
    private static readonly string[] s_activityLog = ["--log-format", "internal-json"];

    private static readonly TimeSpan s_progressInterval = TimeSpan.FromMilliseconds(250);
    private readonly SshConnections _ssh;
    private readonly AgentBundle _agent;
    private readonly AgentActivation _activation;
    private readonly SudoAccess _sudo;

    public SystemDeployment(ProcessRunner runner, SshConnections ssh, AgentBundle agent)
    {
        _runner = runner;
        _ssh = ssh;
        _agent = agent;
        _sudo = new SudoAccess(runner, ssh);
        _activation = new AgentActivation(runner, _sudo);
    }

    /// <param name="prior">The outputs recorded before, if any: what still holds of the running system when the goal does not change it.</param>
    public async Task<JsonElement> DeployAsync(SystemInputs inputs, JsonElement? prior, ProviderCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(call);
        var target = inputs.Target;
        if (target.Host is null && !target.IsLocal && inputs.Goal != "build")
        {
            // Before building: nothing this run can do reaches the node.
            throw target.NoHost();
        }

        await call.ProgressAsync("building", null, cancellationToken).ConfigureAwait(false);
        var system = await RealiseAsync(inputs, call, cancellationToken).ConfigureAwait(false);
        if (inputs.Goal == "build")
        {
            await call.LogAsync("info", $"built {system}", cancellationToken).ConfigureAwait(false);
            return new SystemOutputs(system, null, null, null, "not activated (goal build)", null, null).ToJson();
        }

        if (inputs.Goal == "push")
        {
            // Colmena's push: the closure is on the node (a system built there already is), nothing is activated.
            await call.ProgressAsync("copying", null, cancellationToken).ConfigureAwait(false);
            if (!inputs.BuildOnTarget)
            {
                await CopyAsync(target, [system], inputs.SubstituteOnDestination, call, cancellationToken).ConfigureAwait(false);
            }

            await call.LogAsync("info", $"pushed {system}; not activated (goal push)", cancellationToken).ConfigureAwait(false);
            return (SystemOutputs.From(prior) ?? new SystemOutputs(null, null, null, null, "not run (goal push)", null, null)).ToJson();
        }

        var agent = await _agent.StorePathAsync(cancellationToken).ConfigureAwait(false);
        await call.ProgressAsync("copying", null, cancellationToken).ConfigureAwait(false);
        // A system built on the node is there already (and not here): only the agent travels.
        await CopyAsync(target, inputs.BuildOnTarget ? [agent] : [system, agent], inputs.SubstituteOnDestination, call, cancellationToken).ConfigureAwait(false);
        await _sudo.ProbeAsync(target, AgentBundle.Executable(agent), call.Credentials, cancellationToken).ConfigureAwait(false);
        if (!inputs.ReplaceUnknownProfiles && inputs.Activates)
        {
            await RequireKnownProfileAsync(target, cancellationToken).ConfigureAwait(false);
        }

        await call.ProgressAsync("activating", null, cancellationToken).ConfigureAwait(false);
        var previous = await _activation.RunAsync(inputs, system, agent, call, cancellationToken).ConfigureAwait(false);

        var rebooted = false;
        if (inputs.Reboot && target.IsLocal)
        {
            await call.LogAsync("warning", "not rebooting: the node is the machine fleet runs on (apply-local); reboot it yourself", cancellationToken).ConfigureAwait(false);
        }
        else if (inputs.Reboot && inputs.Goal is "switch" or "boot")
        {
            await new NodeReboot(_runner, _ssh, _sudo).RunAsync(target, system, agent, inputs.HealthChecks, call, cancellationToken).ConfigureAwait(false);
            rebooted = true;
        }
        else if (inputs.Reboot)
        {
            await call.LogAsync("warning", inputs.Goal == "test"
                ? "not rebooting: goal test activates without touching the profile, and a reboot would bring back the profile's system"
                : "not rebooting: goal dry-activate changes nothing", cancellationToken).ConfigureAwait(false);
        }

        var facts = await ReadAsync(target, agent, cancellationToken).ConfigureAwait(false);
        if (inputs.Goal is "boot" or "dry-activate" && !rebooted)
        {
            // Nothing new runs: what state said of the running system still holds.
            var unchanged = SystemOutputs.From(prior) ?? new SystemOutputs(null, null, null, null, $"not run (goal {inputs.Goal})", null, null);
            return (unchanged with { AgentPath = agent }).With(facts).ToJson();
        }

        var health = inputs.HealthChecks.GetArrayLength() == 0 ? "no checks"
            : rebooted ? "passed after the reboot"
            : inputs.Goal == "boot" ? "not run (goal boot)" : "passed";
        return new SystemOutputs(null, null, previous, DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture), health, agent, null).With(facts).ToJson();
    }

    /// <summary>
    /// What the node runs now: the current system, the profile's system and generation, as the
    /// agent at `agentPath` reports them (`status --json`). Without an agent there (never
    /// deployed by fleet, or collected), or one that cannot run as root without a password, the
    /// links themselves are read. One SSH round trip either way, over the node's master.
    /// </summary>
    public async Task<NodeFacts> ReadAsync(SshTarget target, string? agentPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (agentPath is not null)
        {
            var status = await _runner.RunAsync(_sudo.Agent(target, agentPath, ["status", "--json"]), cancellationToken).ConfigureAwait(false);
            if (status.ExitCode == 255 && !target.IsLocal)
            {
                throw Unreachable(target, status);
            }

            if (status.Succeeded && NodeFacts.FromAgentStatus(status.StandardOutput) is { } reported)
            {
                return reported;
            }
        }

        var result = await _runner.RunAsync(
            _ssh.Command(target, ["sh", "-c", "readlink -f /run/current-system || true; readlink -f /nix/var/nix/profiles/system || true; readlink /nix/var/nix/profiles/system || true"]),
            cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw Unreachable(target, result);
        }

        var lines = result.StandardOutput.Split('\n');
        string? Line(int i) => lines.Length > i && lines[i].Length > 0 ? lines[i].Trim() : null;
        int? generation = Line(2) is { } link && link.Split('-') is [_, var n, "link"] && int.TryParse(n, CultureInfo.InvariantCulture, out var g) ? g : null;
        return new NodeFacts(Line(0), Line(1), generation);
    }

    /// <summary>
    /// deployment.replaceUnknownProfiles = false, as Colmena means it: the node's system profile
    /// must point at a system this deployer's store has (one it built or copied), so that a system
    /// put there by hand or by another deployer is not replaced unseen. A node without a profile
    /// yet has nothing to lose.
    /// </summary>
    private async Task RequireKnownProfileAsync(SshTarget target, CancellationToken cancellationToken)
    {
        var facts = await ReadAsync(target, null, cancellationToken).ConfigureAwait(false);
        // Without a profile `readlink -f` names the profile link itself, not a store path.
        if (facts.ProfileSystem is { } profile && profile.StartsWith("/nix/store/", StringComparison.Ordinal) && !Directory.Exists(profile))
        {
            throw new ResourceFailedException(
                $"{target.Destination} runs the system profile {profile}, which is not in this deployer's store, and deployment.replaceUnknownProfiles is false: " +
                "not replacing a system fleet does not know (deployed by hand or by another deployer?). Set it to true to replace it.");
        }
    }

    /// <summary>The store path a derivation builds, without building it.</summary>
    public async Task<string> OutputPathAsync(string drvPath, CancellationToken cancellationToken)
    {
        // A .drv names its outputs in its first bytes (`Derive([("out","/nix/store/...",`): reading
        // it saves a nix-store process per node on every plan.
        if (await FirstOutputAsync(drvPath, cancellationToken).ConfigureAwait(false) is { } output)
        {
            return output;
        }

        var result = await _runner.RunAsync(ProcessSpec.Create("nix-store", "--query", "--outputs", drvPath), cancellationToken).ConfigureAwait(false);
        return result.Succeeded
            ? result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0].Trim()
            : throw new ResourceFailedException($"{drvPath} is not in the deployer's store (was the fleet evaluated here?): {ProcessResult.LastLine(result.StandardError)}");
    }

    private static async Task<string?> FirstOutputAsync(string drvPath, CancellationToken cancellationToken)
    {
        const string Prefix = "Derive([(\"out\",\"";
        try
        {
            var buffer = new char[1024];
            using var reader = new StreamReader(drvPath);
            var read = await reader.ReadBlockAsync(buffer, cancellationToken).ConfigureAwait(false);
            var head = new string(buffer, 0, read);
            if (!head.StartsWith(Prefix, StringComparison.Ordinal))
            {
                return null;
            }

            var end = head.IndexOf('"', Prefix.Length);
            var path = end > 0 ? head[Prefix.Length..end] : null;
            return path is not null && path.StartsWith("/nix/store/", StringComparison.Ordinal) ? path : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Indirect GC roots of this provider process's builds; removed when it ends.</summary>
    public static string GcRoots => s_gcRoots.Value;

    private static readonly Lazy<string> s_gcRoots = new(() => Directory.CreateTempSubdirectory("fleet-gcroots-").FullName);

    public static void ReleaseGcRoots()
    {
        if (s_gcRoots.IsValueCreated)
        {
            Directory.Delete(s_gcRoots.Value, recursive: true);
        }
    }

    internal async Task<string> RealiseAsync(SystemInputs inputs, ProviderCall call, CancellationToken cancellationToken)
    {
        if (!inputs.BuildOnTarget || inputs.Target.IsLocal)
        {
            return await RealiseHereAsync(inputs, call, cancellationToken).ConfigureAwait(false);
        }

        if (inputs.KeepResult is not null)
        {
            await call.LogAsync("warning", $"no GC root kept at {inputs.KeepResult}: the system is built on the node, not here", cancellationToken).ConfigureAwait(false);
        }

        await CopyAsync(inputs.Target, [inputs.DrvPath], inputs.SubstituteOnDestination, call, cancellationToken).ConfigureAwait(false);
        var remote = await RunLoggedAsync(
            _ssh.Command(inputs.Target, ["nix-store", "--realise", inputs.DrvPath, .. s_activityLog]), call, "building on target", cancellationToken).ConfigureAwait(false);
        return remote.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].Trim();
    }

    /// <summary>
    /// Builds the system on the deployer (or finds it built) under a GC root: the run's own, so a
    /// garbage collection between build and copy cannot take it, or `keepResult` (--keep-result),
    /// an indirect root that outlives the run as `nix build --out-link` would leave it.
    /// </summary>
    public async Task<string> RealiseHereAsync(SystemInputs inputs, ProviderCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var root = inputs.KeepResult ?? Path.Combine(GcRoots, Path.GetFileNameWithoutExtension(inputs.DrvPath));
        if (inputs.KeepResult is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(root)!);
        }

        // meta.machinesFile: the machines listed there build it, through Nix's remote building.
        string[] builders = inputs.MachinesFile is { } machines ? ["--option", "builders", "@" + machines] : [];
        await RunLoggedAsync(
            ProcessSpec.Create("nix-store", ["--realise", inputs.DrvPath, "--add-root", root, "--indirect", .. builders, .. s_activityLog]), call, "building", cancellationToken).ConfigureAwait(false);
        return File.ResolveLinkTarget(root, returnFinalTarget: true)?.FullName
            ?? throw new ResourceFailedException($"building {inputs.DrvPath} left no result at {root}");
    }

    internal async Task CopyAsync(SshTarget target, IEnumerable<string> paths, bool substitute, ProviderCall call, CancellationToken cancellationToken)
    {
        if (target.IsLocal)
        {
            // The node's store is this one: what was built or added here is there.
            return;
        }

        var spec = ProcessSpec.Create("nix-copy-closure", ["--to", target.Destination, .. substitute ? s_useSubstitutes : [], .. s_activityLog, .. paths])
            .WithEnvironment("NIX_SSHOPTS", _ssh.NixSshOptions(target));
        await RunLoggedAsync(spec, call, "copying", cancellationToken, target).ConfigureAwait(false);
    }

    /// <param name="target">The node the command talks to over SSH, if any, for a hint about refused host keys.</param>
    private async Task<ProcessResult> RunLoggedAsync(ProcessSpec spec, ProviderCall call, string stage, CancellationToken cancellationToken, SshTarget? target = null)
    {
        var tail = new Queue<string>();
        // nix's stderr in --log-format internal-json (lines of other programs, ssh's, pass as they are).
        var activities = new NixActivityLog();
        var sent = Stopwatch.StartNew();
        var result = await _runner.RunAsync(spec, cancellationToken, null, line =>
        {
            var (text, progress) = activities.Read(line);
            if (text is not null)
            {
                AgentActivation.Remember(tail, text);
                _ = call.LogAsync("info", text, CancellationToken.None);
            }

            // At most a few a second, and always the last one of a count.
            if (progress is not null && (sent.Elapsed >= s_progressInterval || progress.Done == progress.Expected))
            {
                sent.Restart();
                _ = call.ProgressAsync(stage, progress.Activity, progress.Done, progress.Expected, progress.Unit, CancellationToken.None);
            }
        }).ConfigureAwait(false);
        if (result.Succeeded)
        {
            return result;
        }

        var why = activities.LastError ?? ProcessResult.LastLine(string.Join('\n', tail));
        if (target is not null && ConnectionLoss.IsLost(result.ExitCode, result.StandardError))
        {
            throw new ResourceFailedException(ConnectionLoss.Describe(
                ConnectionLoss.NodeName(call.Resource), target.ToString(), stage == "copying" ? "the copy" : stage,
                "nothing was activated, the node still runs the system it ran before", ActivationFailure.Context(why, tail)));
        }

        var cause = $"{stage} failed (`{spec.Display}` exited {result.ExitCode}){(why.Length == 0 ? "" : ": " + why)}";
        throw new ResourceFailedException(
            string.Join("\n  ", [cause, .. ActivationFailure.Context(cause, tail)]) + (target is null ? "" : SshConnections.HostKeyHint(target, result.StandardError)));
    }

    internal static ResourceFailedException Unreachable(SshTarget target, ProcessResult result) =>
        target.IsLocal
            ? new($"reading the state of {target} failed (exit {result.ExitCode}): {ProcessResult.LastLine(result.StandardError)}")
            : new($"cannot reach {target} over SSH (exit {result.ExitCode}): {ProcessResult.LastLine(result.StandardError)}{SshConnections.HostKeyHint(target, result.StandardError)}");
}
