using System.Collections.Immutable;
using Fleet.Nodes;
using Fleet.Processes;
using Fleet.Protocol;

namespace Fleet.Agent.Activation;

/// <summary>
/// `fleet-agent preview`: what switching to a system would do, changing nothing on the node (no
/// profile, no record, no hook): whether a reboot is needed, the closure diff against the running
/// system, and the units `switch-to-configuration dry-activate` says it would stop, restart,
/// reload and start. The dry run takes the activation lock, so it never runs beside an activation.
/// </summary>
public sealed class ActivationPreview
{
    private readonly AgentFiles _files;

    public ActivationPreview(AgentFiles files)
    {
        _files = files;
    }

    public static string CheckSystem(string? given)
    {
        var system = (given ?? throw new UsageException("preview needs --system STORE_PATH")).TrimEnd('/');
        if (!Path.IsPathRooted(system))
        {
            throw new UsageException($"--system wants an absolute store path, not '{given}'");
        }

        return Directory.Exists(system) ? system : throw new UsageException($"{system} is not on this node (copy its closure here first)");
    }

    /// <summary>The preview, or a failure (exit code and message) when dry-activate failed.</summary>
    public async Task<(SystemPreview? Preview, int ExitCode, string? Message)> RunAsync(string system, bool closure, bool units, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(system);
        var current = SystemSwitcher.CurrentSystem(_files.Paths);
        var runner = new ProcessRunner();
        var notes = ImmutableArray.CreateBuilder<string>();
        if (current is null)
        {
            notes.Add("no system runs on the node yet");
        }

        ClosureDiff? diff = null;
        if (closure)
        {
            var reader = new ClosureReader(runner, ToolLocator.Find("nix-store"));
            var after = await reader.ReadAsync(system, cancellationToken).ConfigureAwait(false);
            var before = current is null ? [] : await reader.ReadAsync(current, cancellationToken).ConfigureAwait(false);
            diff = ClosureDiffer.Compute(before, after, "node");
        }

        UnitChanges? changes = null;
        var output = new List<string>();
        if (units)
        {
            using var held = ActivationLock.Acquire(_files);
            var spec = ProcessSpec.Create(Path.Combine(system, "bin", "switch-to-configuration"), "dry-activate") with { StopGrace = TimeSpan.FromSeconds(30) };
            var result = await runner.RunAsync(spec, cancellationToken, Add, Add).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                return (null, ExitCodes.Failed, $"switch-to-configuration dry-activate of {system} exited with {result.ExitCode}: {ProcessResult.LastLine(result.StandardError + result.StandardOutput)}");
            }

            changes = DryActivateOutput.Parse(output);
        }

        var reboot = current is null ? null : BootParts.Compare(current, system);
        return (new SystemPreview(new SystemChange(current, system, diff, reboot, changes) { Notes = notes.ToImmutable() }, [.. output]), ExitCodes.Ok, null);

        void Add(string line)
        {
            lock (output)
            {
                output.Add(line);
            }
        }
    }
}
