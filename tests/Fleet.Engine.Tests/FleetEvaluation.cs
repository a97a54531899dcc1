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
}
