using System.Globalization;
using System.Text;
using System.Text.Json;
using Fleet.Processes;
using Fleet.Protocol;

namespace Fleet.Providers.NixOS;

/// <summary>
/// The steps of deploying one node: realise the system (here or on the node), copy the closure
/// and the agent, let the agent activate, confirm over a fresh SSH connection, record outputs.
/// </summary>
public sealed class SystemDeployment
{
    private static readonly string[] s_useSubstitutes = ["--use-substitutes"];
    private readonly ProcessRunner _runner;
    private readonly SshConnections _ssh;
    private readonly AgentBundle _agent;

    public SystemDeployment(ProcessRunner runner, SshConnections ssh, AgentBundle agent)
    {
        _runner = runner;
        _ssh = ssh;
        _agent = agent;
    }

    public async Task<JsonElement> DeployAsync(SystemInputs inputs, ProviderCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(call);
        var target = inputs.Target;

        await call.ProgressAsync("building", null, cancellationToken).ConfigureAwait(false);
        var system = await RealiseAsync(inputs, call, cancellationToken).ConfigureAwait(false);
        if (inputs.Goal == "build")
        {
            await call.LogAsync("info", $"built {system}", cancellationToken).ConfigureAwait(false);
            return Outputs(system, null, null, null, "not activated (goal build)");
        }

        var agent = await _agent.StorePathAsync(cancellationToken).ConfigureAwait(false);
        await call.ProgressAsync("copying", null, cancellationToken).ConfigureAwait(false);
        await CopyAsync(target, [system, agent], inputs.SubstituteOnDestination, call, cancellationToken).ConfigureAwait(false);

        await call.ProgressAsync("activating", null, cancellationToken).ConfigureAwait(false);
        var activation = await ActivateAsync(inputs, system, agent, call, cancellationToken).ConfigureAwait(false);

        if (activation.PendingId is { } id)
        {
            await call.ProgressAsync("confirming", null, cancellationToken).ConfigureAwait(false);
            var confirm = await _runner.RunAsync(
                _ssh.Command(target, [.. Privileged(target), AgentBundle.Executable(agent), "confirm", "--id", id], fresh: true),
                cancellationToken).ConfigureAwait(false);
            if (!confirm.Succeeded)
            {
                throw new ResourceFailedException(
                    $"activated {system} on {target.Host} but could not confirm over a new SSH connection " +
                    $"(exit {confirm.ExitCode}: {Last(confirm.StandardError + confirm.StandardOutput)}); " +
                    $"the node rolls back to {activation.Previous ?? "its previous system"} by itself within {inputs.ConfirmTimeout} s");
            }
        }

        if (inputs.Reboot)
        {
            await RebootAsync(target, system, call, cancellationToken).ConfigureAwait(false);
        }

        var facts = await ReadAsync(target, cancellationToken).ConfigureAwait(false);
        var health = inputs.HealthChecks.GetArrayLength() == 0 ? "no checks" : "passed";
        return Outputs(inputs.Goal == "boot" ? facts.CurrentSystem ?? system : system, facts.Generation, activation.Previous, DateTimeOffset.UtcNow, health, agent, inputs.Goal == "boot" ? system : null);
    }

    /// <summary>What the node runs now: the current system, the profile's system and generation.</summary>
    public async Task<NodeFacts> ReadAsync(SshTarget target, CancellationToken cancellationToken)
    {
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

    /// <summary>The store path a derivation builds, without building it.</summary>
    public async Task<string> OutputPathAsync(string drvPath, CancellationToken cancellationToken)
    {
        var result = await _runner.RunAsync(ProcessSpec.Create("nix-store", "--query", "--outputs", drvPath), cancellationToken).ConfigureAwait(false);
        return result.Succeeded
            ? result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0].Trim()
            : throw new ResourceFailedException($"{drvPath} is not in the deployer's store (was the fleet evaluated here?): {Last(result.StandardError)}");
    }

    public static IEnumerable<string> Privileged(SshTarget target) =>
        target.IsRoot ? [] : [Environment.GetEnvironmentVariable("FLEET_SUDO") ?? "sudo", "-n"];

    private async Task<string> RealiseAsync(SystemInputs inputs, ProviderCall call, CancellationToken cancellationToken)
    {
        if (!inputs.BuildOnTarget)
        {
            var built = await RunLoggedAsync(ProcessSpec.Create("nix-store", "--realise", inputs.DrvPath), call, "building", cancellationToken).ConfigureAwait(false);
            return built.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].Trim();
        }

        await CopyAsync(inputs.Target, [inputs.DrvPath], inputs.SubstituteOnDestination, call, cancellationToken).ConfigureAwait(false);
        var remote = await RunLoggedAsync(
            _ssh.Command(inputs.Target, [.. Privileged(inputs.Target), "nix-store", "--realise", inputs.DrvPath]), call, "building on target", cancellationToken).ConfigureAwait(false);
        return remote.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].Trim();
    }

    private async Task CopyAsync(SshTarget target, IEnumerable<string> paths, bool substitute, ProviderCall call, CancellationToken cancellationToken)
    {
        var spec = ProcessSpec.Create("nix-copy-closure", ["--to", target.Destination, .. substitute ? s_useSubstitutes : [], .. paths])
            .WithEnvironment("NIX_SSHOPTS", _ssh.NixSshOptions(target));
        await RunLoggedAsync(spec, call, "copying", cancellationToken).ConfigureAwait(false);
    }

    private async Task<Activation> ActivateAsync(SystemInputs inputs, string system, string agent, ProviderCall call, CancellationToken cancellationToken)
    {
        var argv = new List<string>
        {
            AgentBundle.Executable(agent), "activate", "--system", system, "--goal", inputs.Goal,
            "--health-checks", "-", "--confirm-timeout", inputs.ConfirmTimeoutText, "--json",
        };
        if (!inputs.MagicRollback)
        {
            argv.Add("--no-magic-rollback");
        }

        if (!inputs.RollbackOnHealthFailure)
        {
            argv.Add("--no-rollback-on-health-failure");
        }

        var spec = _ssh.Command(inputs.Target, [.. Privileged(inputs.Target), .. argv])
            .WithInput(Encoding.UTF8.GetBytes(inputs.HealthChecks.GetRawText()));
        string? pending = null;
        string? previous = null;
        string? outcome = null;
        string? message = null;
        var tail = new Queue<string>();
        var result = await _runner.RunAsync(spec, cancellationToken, line =>
        {
            if (!TryParse(line, out var e))
            {
                Remember(tail, line);
                _ = call.LogAsync("info", line, CancellationToken.None);
                return;
            }

            var kind = Str(e, "event");
            previous ??= Str(e, "previous");
            switch (kind)
            {
                case "stage":
                    _ = call.ProgressAsync(Str(e, "stage") ?? "activating", null, CancellationToken.None);
                    break;
                case "output":
                    Remember(tail, Str(e, "line") ?? "");
                    _ = call.LogAsync("info", Str(e, "line") ?? "", CancellationToken.None);
                    break;
                case "check":
                    var check = e.TryGetProperty("check", out var c) ? c.GetRawText() : "";
                    Remember(tail, "health check: " + check);
                    _ = call.LogAsync("info", "health check: " + check, CancellationToken.None);
                    break;
                case "awaiting-confirmation":
                    pending = Str(e, "id");
                    break;
                case "finished":
                    outcome = Str(e, "outcome");
                    message = Str(e, "message");
                    break;
                default:
                    break;
            }
        }, line => Remember(tail, line)).ConfigureAwait(false);

        if (result.ExitCode == 0)
        {
            return new Activation(pending, previous);
        }

        var why = result.ExitCode switch
        {
            10 => "switch-to-configuration failed; the node was rolled back",
            11 => "a health check failed; the node was rolled back",
            12 => "no confirmation arrived in time; the node was rolled back",
            13 => "activation failed and there was no previous system to roll back to",
            14 => "activation failed before switching; nothing changed",
            15 => "a health check failed; the new system was kept (rollback on health failure is off)",
            75 => "another activation holds this node's lock",
            255 => $"cannot reach {inputs.Target} over SSH",
            _ => $"fleet-agent activate exited with code {result.ExitCode}",
        };
        throw new ResourceFailedException(
            $"{why} ({outcome ?? "no outcome"}{(message is null ? "" : ": " + message)}); last lines:\n  " + string.Join("\n  ", tail));
    }

    private async Task RebootAsync(SshTarget target, string system, ProviderCall call, CancellationToken cancellationToken)
    {
        await call.ProgressAsync("rebooting", null, cancellationToken).ConfigureAwait(false);
        await _runner.RunAsync(_ssh.Command(target, [.. Privileged(target), "systemctl", "reboot"], fresh: true), cancellationToken).ConfigureAwait(false);
        await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
        var deadline = DateTime.UtcNow.AddMinutes(10);
        while (DateTime.UtcNow < deadline)
        {
            var probe = await _runner.RunAsync(_ssh.Command(target, ["readlink", "-f", "/run/current-system"], fresh: true), cancellationToken).ConfigureAwait(false);
            if (probe.Succeeded)
            {
                var running = probe.StandardOutput.Trim();
                if (running != system)
                {
                    throw new ResourceFailedException($"{target.Host} came back from the reboot running {running}, not {system}");
                }

                return;
            }

            await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken).ConfigureAwait(false);
        }

        throw new ResourceFailedException($"{target.Host} did not come back within 10 minutes of the reboot");
    }

    private async Task<ProcessResult> RunLoggedAsync(ProcessSpec spec, ProviderCall call, string stage, CancellationToken cancellationToken)
    {
        var tail = new Queue<string>();
        var result = await _runner.RunAsync(spec, cancellationToken, null, line =>
        {
            Remember(tail, line);
            _ = call.LogAsync("info", line, CancellationToken.None);
        }).ConfigureAwait(false);
        return result.Succeeded
            ? result
            : throw new ResourceFailedException($"{stage} failed (`{spec.Display}` exited {result.ExitCode}):\n  {string.Join("\n  ", tail)}");
    }

    internal static ResourceFailedException Unreachable(SshTarget target, ProcessResult result) =>
        new($"cannot reach {target} over SSH (exit {result.ExitCode}): {Last(result.StandardError)}");

    private static JsonElement Outputs(string system, int? generation, string? previous, DateTimeOffset? at, string health, string? agent = null, string? bootSystem = null)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("systemPath", system);
            if (generation is { } g)
            {
                w.WriteNumber("generation", g);
            }
            else
            {
                w.WriteNull("generation");
            }

            w.WriteString("previousSystem", previous);
            w.WriteString("activatedAt", at?.ToString("O", CultureInfo.InvariantCulture));
            w.WriteString("health", health);
            w.WriteString("agentPath", agent);
            w.WriteString("bootSystem", bootSystem);
            w.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }

    private static bool TryParse(string line, out JsonElement element)
    {
        element = default;
        if (!line.StartsWith('{'))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(line);
            element = document.RootElement.Clone();
            return element.ValueKind == JsonValueKind.Object && element.TryGetProperty("event", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static void Remember(Queue<string> tail, string line)
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

    private static string Last(string text) =>
        text.Trim().Split('\n').LastOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "";

    private sealed record Activation(string? PendingId, string? Previous);
}
