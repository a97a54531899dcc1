using Fleet.Engine.Errors;

namespace Fleet.Engine.Nix;

/// <summary>
/// What `-f` names, or what fleet finds without it: a fleet file (fleet.nix, hive.nix, any .nix
/// file) or a flake reference. <see cref="Directory"/> is where the fleet lives on this machine,
/// beside which its state (.fleet/) is kept.
/// </summary>
public abstract record FleetEntry
{
    /// <summary>Entry files fleet looks for, in this order within one directory.</summary>
    public static readonly IReadOnlyList<string> EntryFileNames = ["fleet.nix", "hive.nix", "flake.nix"];

    private protected FleetEntry()
    {
    }

    /// <summary>The local directory of the entry (the current directory for a remote flake).</summary>
    public abstract string Directory { get; }

    /// <summary>How errors and logs name the entry.</summary>
    public abstract string Display { get; }

    /// <summary>
    /// Reads a `-f` argument: an existing file is a fleet file (a file named flake.nix is its
    /// directory's flake); an existing directory is its flake, else its fleet.nix or hive.nix; a name
    /// ending in .nix is a fleet file (missing or not); anything else is a flake reference, with
    /// an optional `#attribute` (`.`, `.#prod`, `path:../infra`, `git+file:///srv/infra`, `github:o/r`).
    /// </summary>
    public static FleetEntry Parse(string argument, string currentDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(argument);
        ArgumentNullException.ThrowIfNull(currentDirectory);
        var hash = argument.IndexOf('#', StringComparison.Ordinal);
        if (hash < 0)
        {
            var full = Path.GetFullPath(argument, currentDirectory);
            if (File.Exists(full))
            {
                return Path.GetFileName(full) == "flake.nix"
                    ? FlakeReference.Local(Path.GetDirectoryName(full)!, [])
                    : new FleetFile(full);
            }

            if (System.IO.Directory.Exists(full))
            {
                // A directory named with -f is a flake reference first (`-f .`), as Nix reads it.
                return File.Exists(Path.Combine(full, "flake.nix"))
                    ? FlakeReference.Local(full, [])
                    : InDirectory(full) ?? throw new FleetException(
                    $"{argument} has no fleet entry: looked for {string.Join(", ", EntryFileNames)} in {full}");
            }

            if (argument.EndsWith(".nix", StringComparison.Ordinal))
            {
                return new FleetFile(full);
            }
        }

        var reference = hash < 0 ? argument : argument[..hash];
        var attributePath = hash < 0 ? [] : FlakeReference.ParseAttributePath(argument[(hash + 1)..], argument);
        return FlakeReference.Parse(reference.Length == 0 ? "." : reference, attributePath, currentDirectory);
    }

    /// <summary>
    /// Looks upward from `startDirectory` for fleet.nix, hive.nix or flake.nix: the nearest
    /// directory with one wins, and within it the first of <see cref="EntryFileNames"/>.
    /// </summary>
    public static FleetEntry? Discover(string startDirectory)
    {
        for (var directory = new DirectoryInfo(Path.GetFullPath(startDirectory)); directory is not null; directory = directory.Parent)
        {
            if (InDirectory(directory.FullName) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    private static FleetEntry? InDirectory(string directory)
    {
        foreach (var name in EntryFileNames)
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return name == "flake.nix" ? FlakeReference.Local(directory, []) : new FleetFile(candidate);
            }
        }

        return null;
    }
}
