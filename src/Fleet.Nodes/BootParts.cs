using System.Collections.Immutable;
using Fleet.Protocol;

namespace Fleet.Nodes;

/// <summary>
/// The parts of a NixOS toplevel that only a reboot brings into use: its `kernel`, `initrd` and
/// `kernel-modules` links. Two systems whose links point at different targets (or where one has
/// a link the other lacks) need a reboot to run the new one fully.
/// </summary>
public static class BootParts
{
    public static ImmutableArray<string> Names { get; } = ["kernel", "initrd", "kernel-modules"];

    /// <summary>What differs between the running system and the new one; both must be in this machine's store.</summary>
    public static RebootCheck Compare(string current, string next)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(next);
        return new RebootCheck([.. Names.Where(n => !string.Equals(Target(current, n), Target(next, n), StringComparison.Ordinal))]);
    }

    private static string? Target(string system, string name)
    {
        var link = new FileInfo(Path.Combine(system, name));
        return link.LinkTarget ?? (link.Exists ? link.FullName : null);
    }
}
