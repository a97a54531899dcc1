using Fleet.Engine;
using Fleet.Engine.Nix;
using Fleet.Processes;
using Fleet.Testbed;

namespace Fleet.Integration.Tests;

/// <summary>Builds node systems from fixture fleets with tests/nixpkgs-standin (a stand-in for nixpkgs).</summary>
internal static class StandinSystems
{
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", name);

    /// <summary>Evaluates the fixture with fleet and realises the named node's toplevel on the host.</summary>
    public static async Task<string> BuildAsync(string fixture, string node, CancellationToken cancellationToken)
    {
        var graph = await new NixEvaluator(new ProcessRunner(), FleetPaths.Discover())
            .EvaluateGraphAsync(new FleetSource(Fixture(fixture), RepositoryPaths.NixpkgsStandin), cancellationToken);
        var drv = graph.Resources[$"node.{node}"].InputString("drvPath")!;
        var result = await new ProcessRunner().RunCheckedAsync(ProcessSpec.Create("nix-store", "--realise", drv), cancellationToken);
        return result.StandardOutput.Trim();
    }
}
