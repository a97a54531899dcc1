using System.Collections.Immutable;
using System.Globalization;

namespace Fleet.Agent.Activation;

/// <summary>What `activate` was asked to do; handed to the detached worker as argv.</summary>
public sealed record ActivationRequest(
    string Id,
    string System,
    string Goal,
    string? ChecksFile,
    TimeSpan ConfirmTimeout,
    TimeSpan HealthTimeout,
    bool MagicRollback,
    bool RollbackOnHealthFailure,
    string Profile)
{
    public static readonly ImmutableArray<string> Goals = ["switch", "boot", "test", "dry-activate"];

    /// <summary>switch and test change what runs, so only they get health checks and the wait for confirmation.</summary>
    public bool ChangesRunningSystem => Goal is "switch" or "test";

    public bool SetsProfile => Goal is "switch" or "boot";

    public bool WaitsForConfirmation => MagicRollback && ChangesRunningSystem;

    /// <summary>An activation id names files under /run/fleet-agent: letters, digits, '-', '_' and '.' only.</summary>
    public static string CheckId(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return id.Length is 0 or > 64 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? throw new UsageException($"--id may only hold letters, digits, '-', '_' and '.', at most 64: '{id}'")
            : id;
    }

    public static ActivationRequest FromArguments(AgentArguments arguments, AgentPaths paths)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(paths);
        var goal = arguments.Require("goal");
        if (!Goals.Contains(goal))
        {
            throw new UsageException($"--goal must be one of {string.Join(", ", Goals)}, not '{goal}'");
        }

        var given = arguments.Require("system");
        var system = given.TrimEnd('/');
        if (!Path.IsPathRooted(system))
        {
            throw new UsageException($"--system wants an absolute store path, not '{given}'");
        }

        var id = CheckId(arguments.Get("id") ?? NewId());

        return new ActivationRequest(
            id,
            system,
            goal,
            arguments.Get("health-checks"),
            TimeSpan.FromSeconds(arguments.GetSeconds("confirm-timeout", 60)),
            TimeSpan.FromSeconds(arguments.GetSeconds("health-timeout", 120)),
            !arguments.Has("no-magic-rollback"),
            !arguments.Has("no-rollback-on-health-failure"),
            arguments.Get("profile") ?? paths.DefaultProfile);
    }

    /// <summary>The argv that reproduces this request (for the worker), checks read from <paramref name="checksFile"/>.</summary>
    public ImmutableArray<string> ToArguments(string? checksFile)
    {
        var argv = ImmutableArray.CreateBuilder<string>();
        argv.AddRange(
            "--id", Id, "--system", System, "--goal", Goal, "--profile", Profile,
            "--confirm-timeout", ConfirmTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture),
            "--health-timeout", HealthTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture));
        if (checksFile is not null)
        {
            argv.AddRange("--health-checks", checksFile);
        }

        if (!MagicRollback)
        {
            argv.Add("--no-magic-rollback");
        }

        if (!RollbackOnHealthFailure)
        {
            argv.Add("--no-rollback-on-health-failure");
        }

        return argv.ToImmutable();
    }

    private static string NewId() =>
        DateTimeOffset.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..6];
}
