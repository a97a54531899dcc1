using System.Collections.Immutable;
using System.Text;
using Fleet.Engine.Errors;

namespace Fleet.Engine.Nix;

/// <summary>
/// A flake, as Nix's flake references name it, and optionally the output attribute to read
/// (`.#attr`). Local references (a directory, `path:`, `git+file:`) are made absolute, so Nix
/// reads the same flake whatever its working directory, and give the fleet its directory.
/// </summary>
public sealed record FlakeReference : FleetEntry
{
    private readonly string _directory;

    private FlakeReference(string reference, ImmutableArray<string> attributePath, string directory, bool isLocal)
    {
        Reference = reference;
        AttributePath = attributePath;
        _directory = directory;
        IsLocal = isLocal;
    }

    /// <summary>The reference passed to Nix, without the attribute.</summary>
    public string Reference { get; }

    /// <summary>The output attribute path `#a.b` names; empty: fleet picks the output.</summary>
    public ImmutableArray<string> AttributePath { get; }

    /// <summary>Whether the flake is on this machine (a directory, `path:` or `git+file:`).</summary>
    public bool IsLocal { get; }

    public override string Directory => _directory;

    public override string Display => AttributePath.IsEmpty ? Reference : $"{Reference}#{string.Join('.', AttributePath.Select(QuoteAttribute))}";

    /// <summary>The flake in a local directory (as a plain path, so Nix sees a git work tree as git+file with its dirty changes).</summary>
    public static FlakeReference Local(string directory, ImmutableArray<string> attributePath)
    {
        var full = Path.GetFullPath(directory);
        return new FlakeReference(full, attributePath, full, isLocal: true);
    }

    /// <summary>Reads a flake reference (without its `#attribute`), resolving local paths against `currentDirectory`.</summary>
    public static FlakeReference Parse(string reference, ImmutableArray<string> attributePath, string currentDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(reference);
        ArgumentNullException.ThrowIfNull(currentDirectory);
        if (reference[0] is '.' or '/')
        {
            return Local(ExistingFlakeDirectory(reference, Path.GetFullPath(reference, currentDirectory)), attributePath);
        }

        foreach (var scheme in new[] { "path:", "git+file:" })
        {
            if (!reference.StartsWith(scheme, StringComparison.Ordinal))
            {
                continue;
            }

            var rest = reference[scheme.Length..];
            var query = rest.IndexOf('?', StringComparison.Ordinal);
            var location = query < 0 ? rest : rest[..query];
            if (scheme == "git+file:" && location.StartsWith("//", StringComparison.Ordinal))
            {
                location = location[2..];
            }

            var full = ExistingFlakeDirectory(reference, Path.GetFullPath(Uri.UnescapeDataString(location), currentDirectory));
            var absolute = scheme == "path:" ? $"path:{full}" : $"git+file://{full}";
            return new FlakeReference(absolute + (query < 0 ? string.Empty : rest[query..]), attributePath, full, isLocal: true);
        }

        // github:, gitlab:, sourcehut:, git+https:, tarball URLs, registry names (`nixpkgs`): Nix fetches them.
        return new FlakeReference(reference, attributePath, Path.GetFullPath(currentDirectory), isLocal: false);
    }

    /// <summary>
    /// A reference as `--override-input` takes it, with a local path (`./x`, `path:./x`) made
    /// absolute against `currentDirectory`; the input need not be a flake, so nothing is checked.
    /// </summary>
    public static string Absolute(string reference, string currentDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(reference);
        if (reference[0] is '.' or '/')
        {
            return Path.GetFullPath(reference, currentDirectory);
        }

        if (reference.StartsWith("path:", StringComparison.Ordinal) && !reference.StartsWith("path:/", StringComparison.Ordinal))
        {
            var rest = reference["path:".Length..];
            var query = rest.IndexOf('?', StringComparison.Ordinal);
            var location = query < 0 ? rest : rest[..query];
            return "path:" + Path.GetFullPath(location, currentDirectory) + (query < 0 ? string.Empty : rest[query..]);
        }

        return reference;
    }

    /// <summary>Splits `a.b."c.d"` into its attribute names.</summary>
    public static ImmutableArray<string> ParseAttributePath(string text, string argument)
    {
        ArgumentNullException.ThrowIfNull(text);
        var names = ImmutableArray.CreateBuilder<string>();
        var current = new StringBuilder();
        var quoted = false;
        foreach (var c in text)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == '.' && !quoted)
            {
                names.Add(Checked(current.ToString()));
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        if (quoted)
        {
            throw new FleetException($"{argument}: unterminated quote in the attribute path after #");
        }

        if (text.Length > 0)
        {
            names.Add(Checked(current.ToString()));
        }

        return names.ToImmutable();

        string Checked(string name) => name.Length > 0
            ? name
            : throw new FleetException($"{argument}: empty attribute name in the attribute path after # (write #a.b)");
    }

    private static string ExistingFlakeDirectory(string reference, string full)
    {
        if (!System.IO.Directory.Exists(full))
        {
            throw new FleetException($"flake {reference} does not exist: no directory {full}");
        }

        if (!File.Exists(Path.Combine(full, "flake.nix")))
        {
            throw new FleetException($"flake {reference} has no flake.nix in {full}");
        }

        return full;
    }

    private static string QuoteAttribute(string name) => name.Contains('.', StringComparison.Ordinal) ? $"\"{name}\"" : name;
}
