using Fleet.Testbed;

namespace Fleet.Engine.Tests;

/// <summary>
/// A copy of one of fixtures/flakes/ in a directory of its own, with @nixpkgsStandin@ replaced by
/// the path of tests/nixpkgs-standin (the nixpkgs STAND-IN, not nixpkgs). Nix copies it into the
/// store as a path: flake; the copy is deleted afterwards.
/// </summary>
internal sealed class FlakeFixture : IDisposable
{
    private readonly string _root;

    private FlakeFixture(string root, string directory)
    {
        _root = root;
        Directory = directory;
    }

    /// <summary>The flake's directory (the copy).</summary>
    public string Directory { get; }

    /// <summary>Copies fixtures/flakes/NAME; `replacements` are further @placeholder@ -> text substitutions.</summary>
    public static FlakeFixture Copy(string name, params (string Placeholder, string Text)[] replacements)
    {
        var root = Path.Combine(Path.GetTempPath(), $"fleet-flake-{Guid.NewGuid():N}");
        var directory = Path.Combine(root, name);
        var source = FleetEvaluation.Fixture(Path.Combine("flakes", name));
        foreach (var file in System.IO.Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(directory, Path.GetRelativePath(source, file));
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var text = File.ReadAllText(file).Replace("@nixpkgsStandin@", RepositoryPaths.NixpkgsStandin, StringComparison.Ordinal);
            foreach (var (placeholder, replacement) in replacements)
            {
                text = text.Replace(placeholder, replacement, StringComparison.Ordinal);
            }

            File.WriteAllText(target, text);
        }

        return new FlakeFixture(root, directory);
    }

    public string PathOf(string relative) => Path.Combine(Directory, relative);

    public void Dispose() => System.IO.Directory.Delete(_root, recursive: true);
}
