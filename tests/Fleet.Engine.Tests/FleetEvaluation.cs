using Fleet.Engine;
using Fleet.Engine.Graph;
using Fleet.Engine.Nix;
using Fleet.Processes;
using Fleet.Testbed;

namespace Fleet.Engine.Tests;

/// <summary>Evaluates fixture fleets with tests/nixpkgs-standin (a stand-in for nixpkgs).</summary>
internal static class FleetEvaluation
{
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", name);

    public static NixEvaluator Evaluator() => new(new ProcessRunner(), FleetPaths.Discover());

    public static Task<ResourceGraph> GraphAsync(string file) =>
        Evaluator().EvaluateGraphAsync(new FleetSource(file, RepositoryPaths.NixpkgsStandin), CancellationToken.None);

    /// <summary>A file of fleet's own Nix modules (nix-modules/...), as the evaluator uses it.</summary>
    public static string NixModule(params string[] path) => Path.Combine([FleetPaths.Discover().NixModules, .. path]);

    /// <summary>`nix-instantiate --eval --strict --json` of a file with the given arguments, outside fleet's evaluator.</summary>
    public static Task<ProcessResult> InstantiateAsync(string file, params string[] arguments) =>
        new ProcessRunner().RunCheckedAsync(
            ProcessSpec.Create("nix-instantiate", "--eval", "--strict", "--json", "--read-write-mode", file).WithArguments(arguments),
            CancellationToken.None);

    /// <summary>
    /// A hive of fixtures/hives, written as for Colmena: its own meta.nixpkgs names nixpkgs (the
    /// stand-in's path replaces `@standin@`), so no nixpkgs is passed to the evaluation.
    /// </summary>
    public static string Hive(string name) => Path.Combine(s_hives.Value, name);

    public static Task<ResourceGraph> HiveGraphAsync(string name) =>
        Evaluator().EvaluateGraphAsync(new FleetSource(Hive(name)), CancellationToken.None);

    /// <summary>Any attribute of eval.nix's result for a hive (e.g. `nodes.alpha.config.systemd.paths`), as JSON.</summary>
    public static Task<System.Text.Json.JsonDocument> HiveJsonAsync(string name, string attribute) =>
        Evaluator().EvaluateJsonAsync(new FleetSource(Hive(name)), attribute, CancellationToken.None);

    private static readonly Lazy<string> s_hives = new(() =>
    {
        var dir = Directory.CreateTempSubdirectory("fleet-hives-").FullName;
        foreach (var file in Directory.GetFiles(Fixture("hives"), "*.nix"))
        {
            File.WriteAllText(Path.Combine(dir, Path.GetFileName(file)), File.ReadAllText(file).Replace("@standin@", RepositoryPaths.NixpkgsStandin, StringComparison.Ordinal));
        }

        return dir;
    });
}
