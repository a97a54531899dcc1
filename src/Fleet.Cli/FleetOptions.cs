using System.CommandLine;
using Fleet.Engine;
using Fleet.Engine.Errors;
using Fleet.Engine.Nix;
using Fleet.Processes;

namespace Fleet.Cli;

/// <summary>Options every fleet verb shares: where the fleet is and which nixpkgs to use.</summary>
internal static class FleetOptions
{
    public static Option<string?> File { get; } = new("--file", "-f")
    {
        Description = "Fleet file or flake (., path:DIR, .#attr, git+file:...; default: the nearest fleet.nix, hive.nix or flake.nix here or above)",
        Recursive = true,
    };

    public static Option<string[]> OverrideInput { get; } = new("--override-input")
    {
        Description = "Use REF for the flake's input NAME (as nix's --override-input); repeatable",
        HelpName = "NAME REF",
        Arity = new ArgumentArity(2, 2),
        AllowMultipleArgumentsPerToken = true,
        Recursive = true,
    };

    public static Option<bool> NixosConfigurations { get; } = new("--nixos-configurations")
    {
        Description = "Deploy a flake's nixosConfigurations when it has no fleet, colmenaHive or colmena output",
        Recursive = true,
    };

    public static Option<string?> Nixpkgs { get; } = new("--nixpkgs")
    {
        Description = "nixpkgs to evaluate with, instead of the fleet's meta.nixpkgs",
        Recursive = true,
    };

    public static Option<bool> Verbose { get; } = new("--verbose", "-v")
    {
        Description = "Log every command fleet runs, and with plain progress every line providers log",
        Recursive = true,
    };

    public static Option<bool> ShowTrace { get; } = new("--show-trace")
    {
        Description = "Pass --show-trace to every Nix evaluation: an evaluation error comes with its whole trace",
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
        Description = "State database (default: $FLEET_STATE, else .fleet/state.db beside the fleet file or flake)",
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

        string directory;
        try
        {
            directory = Entry(parse)?.Directory ?? Environment.CurrentDirectory;
        }
        catch (FleetException)
        {
            // A bad -f is reported by the command that evaluates it; the state path alone needs none.
            directory = Environment.CurrentDirectory;
        }

        return Path.Combine(directory, ".fleet", "state.db");
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
        var entry = Entry(parse) ?? throw new FleetException(
            $"no fleet here: looked for {string.Join(", ", FleetEntry.EntryFileNames)} in {Environment.CurrentDirectory} and the directories above it; give one with -f FILE or -f FLAKE");
        var overrides = parse.GetValue(OverrideInput) ?? [];
        return new FleetSource(entry, parse.GetValue(Nixpkgs))
        {
            InputOverrides = [.. overrides.Chunk(2).Select(pair => new FlakeInputOverride(pair[0], pair[1]))],
            ReadNixosConfigurations = parse.GetValue(NixosConfigurations),
        };
    }

    /// <summary>-f's entry, else the nearest fleet.nix, hive.nix or flake.nix upward from the current directory.</summary>
    private static FleetEntry? Entry(ParseResult parse) =>
        parse.GetValue(File) is { } argument
            ? FleetEntry.Parse(argument, Environment.CurrentDirectory)
            : FleetEntry.Discover(Environment.CurrentDirectory);

    public static ProcessRunner Runner(ParseResult parse) =>
        new(parse.GetValue(Verbose) ? line => Console.Error.WriteLine(line) : null);

    public static NixEvaluator Evaluator(ParseResult parse) => new(Runner(parse), FleetPaths.Discover()) { ShowTrace = parse.GetValue(ShowTrace) };
}
