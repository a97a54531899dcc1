namespace Fleet.Agent;

/// <summary>
/// Finds node programs: first the running NixOS system's (/run/current-system/sw/bin), then
/// PATH, then the usual FHS directories (the testbed's nodes share the host's /usr).
/// </summary>
public static class ToolLocator
{
    public static string Find(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var candidates = new List<string> { "/run/current-system/sw/bin" };
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries));
        candidates.AddRange(["/run/wrappers/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"]);
        foreach (var directory in candidates)
        {
            var path = Path.Combine(directory, name);
            if (File.Exists(path))
            {
                return path;
            }
        }

        return name;
    }
}
