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
}
