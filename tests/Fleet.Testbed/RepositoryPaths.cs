namespace Fleet.Testbed;

/// <summary>Finds the checkout the tests run from, so tests can reach scripts, examples and the stand-in.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string TestbedScript => Path.Combine(Root, "tests", "testbed", "testbed");

    /// <summary>tests/nixpkgs-standin: a stand-in for nixpkgs, used because nixpkgs cannot be fetched here.</summary>
    public static string NixpkgsStandin => Path.Combine(Root, "tests", "nixpkgs-standin");

    public static string Example(string name) => Path.Combine(Root, "examples", name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Fleet.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("cannot find the fleet checkout (Fleet.sln) above " + AppContext.BaseDirectory);
    }
}
