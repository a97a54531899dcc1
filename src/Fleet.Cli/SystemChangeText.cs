using System.Globalization;
using System.Text;
using Fleet.Nodes;
using Fleet.Protocol;

namespace Fleet.Cli;

/// <summary>
/// The lines under a planned change of a node's system (<see cref="SystemChange"/>): the systems
/// as short hashes, the packages whose versions changed (or that came or went), the closure's
/// paths and size, whether a reboot is needed and, with `--detailed`, the units activation would
/// stop, restart, reload and start; a part that is not known says why.
/// </summary>
internal static class SystemChangeText
{
    private const string Indent = "      ";
    private const int MaxPackages = 30;

    public static void Append(StringBuilder text, SystemChange? system)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (system is null)
        {
            return;
        }

        Line(text, $"system: {(system.Current is { } current ? StoreName.ShortHash(current) : "(unknown)")} -> {StoreName.ShortHash(system.New)}");
        if (system.Closure is { } closure)
        {
            foreach (var package in closure.Packages.Take(MaxPackages))
            {
                Line(text, Package(package));
            }

            if (closure.Packages.Length > MaxPackages)
            {
                Line(text, $"… and {closure.Packages.Length - MaxPackages} more packages (`fleet plan --json` lists them all)");
            }

            Line(text, $"closure: +{Paths(closure.PathsAdded)}, -{Paths(closure.PathsRemoved)}, {Size(closure.SizeDelta)}");
        }

        if (system.Reboot is { } reboot)
        {
            Line(text, reboot.Needed ? $"reboot needed: {Join(reboot.Changed.Select(p => p.Replace('-', ' ')))} changed" : "no reboot needed");
        }

        if (system.Units is { } units)
        {
            if (units.IsEmpty)
            {
                Line(text, "units: none would be stopped, restarted, reloaded or started");
            }

            Units(text, "stop", units.Stop);
            Units(text, "restart", units.Restart);
            Units(text, "reload", units.Reload);
            Units(text, "start", units.Start);
        }

        foreach (var note in system.Notes)
        {
            Line(text, $"({note})");
        }
    }

    /// <summary>`hello: 2.12 -> 2.12.1, +12 KiB`, `curl: added 8.4, +1.2 MiB`, `wget: removed 1.21, -3 MiB`, `etc: +9 KiB`.</summary>
    internal static string Package(PackageChange package)
    {
        ArgumentNullException.ThrowIfNull(package);
        var what = package.IsAdded ? $"added {Versions(package.After)}".TrimEnd()
            : package.IsRemoved ? $"removed {Versions(package.Before)}".TrimEnd()
            : package.Before.SequenceEqual(package.After, StringComparer.Ordinal) ? null
            : $"{Versions(package.Before)} -> {Versions(package.After)}";
        var size = package.SizeDelta == 0 ? null : Size(package.SizeDelta);
        return $"{package.Name}: {string.Join(", ", new[] { what, size }.Where(s => s is not null))}";
    }

    /// <summary>A signed size in bytes as people read it: `+512 B`, `+12 KiB`, `-1.5 MiB`.</summary>
    internal static string Size(long bytes)
    {
        var sign = bytes < 0 ? "-" : "+";
        double size = Math.Abs(bytes);
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        var unit = 0;
        while (size >= 1024 && unit < units.Length - 1)
        {
            size /= 1024;
            unit++;
        }

        var number = unit == 0 || size >= 100 ? size.ToString("0", CultureInfo.InvariantCulture) : size.ToString("0.#", CultureInfo.InvariantCulture);
        return $"{sign}{number} {units[unit]}";
    }

    private static string Versions(IEnumerable<string> versions) =>
        string.Join(", ", versions.Select(v => v.Length == 0 ? "(no version)" : v));

    private static string Paths(int count) => count == 1 ? "1 path" : string.Create(CultureInfo.InvariantCulture, $"{count} paths");

    private static string Join(IEnumerable<string> parts)
    {
        var list = parts.ToList();
        return list.Count <= 1 ? string.Concat(list) : string.Join(", ", list[..^1]) + " and " + list[^1];
    }

    private static void Units(StringBuilder text, string verb, IReadOnlyCollection<string> units)
    {
        if (units.Count > 0)
        {
            Line(text, $"{verb}: {string.Join(", ", units)}");
        }
    }

    private static void Line(StringBuilder text, string line) => text.Append(Indent).Append(line).Append('\n');
}
