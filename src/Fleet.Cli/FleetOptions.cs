using System.CommandLine;
using Fleet.Engine;
using Fleet.Engine.Errors;
using Fleet.Engine.Nix;
using Fleet.Processes;

namespace Fleet.Cli;

/// <summary>Options every fleet verb shares: where the fleet is and which nixpkgs to use.</summary>
internal static class FleetOptions
{
    public static readonly string[] DefaultEntries = ["fleet.nix", "hive.nix"];

    public static Option<string?> File { get; } = new("--file", "-f")
    {
        Description = "Fleet file (default: ./fleet.nix, or ./hive.nix for Colmena hives)",
        Recursive = true,
    };

    public static Option<string?> Nixpkgs { get; } = new("--nixpkgs")
    {
        Description = "nixpkgs to evaluate with, instead of the fleet's meta.nixpkgs",
        Recursive = true,
    };

    public static Option<bool> Verbose { get; } = new("--verbose", "-v")
    {
        Description = "Log every command fleet runs",
        Recursive = true,
    };

    public static Option<bool> Json { get; } = new("--json")
    {
        Description = "Print results as JSON on stdout",
    };

    public static Option<string?> On { get; } = new("--on")
    {
        Description = "Select nodes: comma-separated name globs and @tags",
    };

    public static Option<string?> State { get; } = new("--state")
    {
        Description = "State database (default: $FLEET_STATE, else .fleet/state.db beside the fleet file)",
        Recursive = true,
    };

    /// <summary>The state database's path: --state, then FLEET_STATE, then .fleet/state.db beside the fleet file.</summary>
    public static string StatePath(ParseResult parse)
    {
        if (parse.GetValue(State) is { } explicitPath)
        {
            return Path.GetFullPath(explicitPath);
        }

        if (Environment.GetEnvironmentVariable("FLEET_STATE") is { Length: > 0 } fromEnvironment)
        {
            return Path.GetFullPath(fromEnvironment);
        }

        var file = parse.GetValue(File) ?? DefaultEntries.FirstOrDefault(System.IO.File.Exists) ?? "fleet.nix";
        return Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file))!, ".fleet", "state.db");
    }

    /// <summary>Whether the state is at its default place (.fleet/ beside the fleet file, which fleet may create), not one given by --state or FLEET_STATE.</summary>
    public static bool IsDefaultStatePath(ParseResult parse) =>
        parse.GetValue(State) is null && Environment.GetEnvironmentVariable("FLEET_STATE") is not { Length: > 0 };

    /// <summary>
    /// The fleet's known_hosts (FLEET_KNOWN_HOSTS, else known_hosts beside the state database),
    /// exported so every SSH connection of this process and its providers checks host keys against it.
    /// </summary>
    public static void ExportKnownHosts(ParseResult parse)
    {
        if (Environment.GetEnvironmentVariable("FLEET_KNOWN_HOSTS") is not { Length: > 0 })
        {
            Environment.SetEnvironmentVariable("FLEET_KNOWN_HOSTS", Path.Combine(Path.GetDirectoryName(StatePath(parse))!, "known_hosts"));
        }
    }

    public static FleetSource Source(ParseResult parse)
    {
        var file = parse.GetValue(File);
        if (file is null)
        {
            file = DefaultEntries.FirstOrDefault(System.IO.File.Exists)
                ?? throw new FleetException($"no fleet file here: looked for {string.Join(" and ", DefaultEntries)} in {Environment.CurrentDirectory}; give one with -f FILE");
        }

        return new FleetSource(file, parse.GetValue(Nixpkgs));
    }

    public static ProcessRunner Runner(ParseResult parse) =>
        new(parse.GetValue(Verbose) ? line => Console.Error.WriteLine(line) : null);

    public static NixEvaluator Evaluator(ParseResult parse) => new(Runner(parse), FleetPaths.Discover());
}
