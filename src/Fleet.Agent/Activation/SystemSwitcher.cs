using System.Globalization;
using Fleet.Processes;

namespace Fleet.Agent.Activation;

/// <summary>
/// Sets, moves and prunes the system profile's generations and runs a system's
/// switch-to-configuration; reads what runs now and which generation the profile is on.
/// </summary>
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

    /// <summary>The generation the profile is on (PROFILE -> NAME-N-link), or null (no profile yet).</summary>
    public static int? Generation(string profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return new FileInfo(profile).LinkTarget is { } target ? GenerationOf(profile, Path.GetFileName(target)) : null;
    }

    /// <summary>The highest generation the profile has (current or not), or null (none).</summary>
    public static int? HighestGeneration(string profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var directory = Path.GetDirectoryName(profile)!;
        if (!Directory.Exists(directory))
        {
            return null;
        }

        return Directory.EnumerateFileSystemEntries(directory, Path.GetFileName(profile) + "-*-link")
            .Select(link => GenerationOf(profile, Path.GetFileName(link)))
            .Max();
    }

    /// <summary>The system a generation of the profile points at, or null.</summary>
    public static string? SystemOf(string profile, int generation)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var link = new FileInfo(string.Create(CultureInfo.InvariantCulture, $"{profile}-{generation}-link"));
        return link.LinkTarget is null ? null : link.ResolveLinkTarget(returnFinalTarget: true)?.FullName;
    }

    /// <summary>`nix-env -p PROFILE --set SYSTEM` (a new generation pointing at SYSTEM, unless the last one already does).</summary>
    public Task<ProcessResult> SetProfileAsync(string profile, string system, CancellationToken cancellationToken) =>
        RunAsync(ProcessSpec.Create(ToolLocator.Find("nix-env"), "-p", profile, "--set", system), cancellationToken);

    /// <summary>`nix-env -p PROFILE --switch-generation N`.</summary>
    public Task<ProcessResult> SwitchGenerationAsync(string profile, int generation, CancellationToken cancellationToken) =>
        RunAsync(ProcessSpec.Create(ToolLocator.Find("nix-env"), "-p", profile, "--switch-generation", generation.ToString(CultureInfo.InvariantCulture)), cancellationToken);

    /// <summary>`nix-env -p PROFILE --delete-generations N` (N must not be the current one).</summary>
    public Task<ProcessResult> DeleteGenerationAsync(string profile, int generation, CancellationToken cancellationToken) =>
        RunAsync(ProcessSpec.Create(ToolLocator.Find("nix-env"), "-p", profile, "--delete-generations", generation.ToString(CultureInfo.InvariantCulture)), cancellationToken);

    /// <summary>`SYSTEM/bin/switch-to-configuration GOAL`.</summary>
    public Task<ProcessResult> SwitchAsync(string system, string goal, CancellationToken cancellationToken) =>
        RunAsync(
            ProcessSpec.Create(Path.Combine(system, "bin", "switch-to-configuration"), goal) with { StopGrace = TimeSpan.FromSeconds(30) },
            cancellationToken);

    private static int? GenerationOf(string profile, string linkName)
    {
        var prefix = Path.GetFileName(profile) + "-";
        return linkName.Length > prefix.Length + "-link".Length
            && linkName.StartsWith(prefix, StringComparison.Ordinal) && linkName.EndsWith("-link", StringComparison.Ordinal)
            && int.TryParse(linkName.AsSpan(prefix.Length, linkName.Length - prefix.Length - "-link".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n : null;
    }

    private Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken) =>
        _runner.RunAsync(spec, cancellationToken, line => _onOutput("stdout", line), line => _onOutput("stderr", line));
}
