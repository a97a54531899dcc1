using Fleet.Processes;

namespace Fleet.Agent.Activation;

/// <summary>Sets the system profile and runs a system's switch-to-configuration; reads what runs now.</summary>
public sealed class SystemSwitcher
{
    private readonly ProcessRunner _runner;
    private readonly Action<string, string> _onOutput;

    /// <param name="onOutput">(stream, line) for every line the children print.</param>
    public SystemSwitcher(ProcessRunner runner, Action<string, string> onOutput)
    {
        _runner = runner;
        _onOutput = onOutput;
    }

    /// <summary>The exact store path /run/current-system points at, or null (no system yet).</summary>
    public static string? CurrentSystem(AgentPaths paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var target = new FileInfo(paths.CurrentSystemLink).LinkTarget;
        return target is null ? null : Path.GetFullPath(target, Path.GetDirectoryName(paths.CurrentSystemLink)!);
    }

    /// <summary>`nix-env -p PROFILE --set SYSTEM` (a new generation pointing at SYSTEM).</summary>
    public Task<ProcessResult> SetProfileAsync(string profile, string system, CancellationToken cancellationToken) =>
        RunAsync(ProcessSpec.Create(ToolLocator.Find("nix-env"), "-p", profile, "--set", system), cancellationToken);

    /// <summary>`SYSTEM/bin/switch-to-configuration GOAL`.</summary>
    public Task<ProcessResult> SwitchAsync(string system, string goal, CancellationToken cancellationToken) =>
        RunAsync(
            ProcessSpec.Create(Path.Combine(system, "bin", "switch-to-configuration"), goal) with { StopGrace = TimeSpan.FromSeconds(30) },
            cancellationToken);

    private Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken) =>
        _runner.RunAsync(spec, cancellationToken, line => _onOutput("stdout", line), line => _onOutput("stderr", line));
}
