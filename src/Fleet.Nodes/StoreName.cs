using System.Text.RegularExpressions;

namespace Fleet.Nodes;

/// <summary>
/// A store path's package name and version, parsed off its name the way Nix's closure diff does:
/// a trailing output name (`-man`, `-lib`, `-standin`: a dash and lowercase letters only, or
/// `-lib32`/`-lib64`) is dropped, then the name ends at the first `-` followed by something that
/// is not a letter (in practice a digit) and the version is the rest: `hello-2.12` is hello 2.12,
/// `python3-3.11.4-env` is python3 3.11.4, `etc` is etc with no version ("").
/// </summary>
public sealed partial record StoreName(string Package, string Version)
{
    public static StoreName Parse(string storePathOrName)
    {
        ArgumentNullException.ThrowIfNull(storePathOrName);
        var name = NameOf(storePathOrName);
        if (OutputSuffix().Match(name) is { Success: true } output)
        {
            name = output.Groups[1].Value;
        }

        for (var i = 0; i + 1 < name.Length; i++)
        {
            if (name[i] == '-' && !char.IsAsciiLetter(name[i + 1]))
            {
                return new StoreName(name[..i], name[(i + 1)..]);
            }
        }

        return new StoreName(name, "");
    }

    /// <summary>`/nix/store/HASH-NAME` (or HASH-NAME, or NAME) -> NAME.</summary>
    public static string NameOf(string storePathOrName)
    {
        ArgumentNullException.ThrowIfNull(storePathOrName);
        var baseName = storePathOrName.TrimEnd('/');
        baseName = baseName[(baseName.LastIndexOf('/') + 1)..];
        return baseName.Length > 33 && baseName[32] == '-' && baseName[..32].All(char.IsAsciiLetterOrDigit) ? baseName[33..] : baseName;
    }

    /// <summary>The first 7 characters of a store path's hash (`/nix/store/1a2b3c4…-nixos-system-web` -> 1a2b3c4), as git shortens commits.</summary>
    public static string ShortHash(string storePath)
    {
        ArgumentNullException.ThrowIfNull(storePath);
        var baseName = storePath.TrimEnd('/');
        baseName = baseName[(baseName.LastIndexOf('/') + 1)..];
        return baseName.Length >= 7 ? baseName[..7] : baseName;
    }

    [GeneratedRegex("^(.*)-([a-z]+|lib32|lib64)$", RegexOptions.CultureInvariant)]
    private static partial Regex OutputSuffix();
}
