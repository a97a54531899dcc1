using System.Globalization;

namespace Fleet.Testbed;

/// <summary>What /proc says about processes: for tests that prove nothing was left running.</summary>
public static class LiveProcesses
{
    /// <summary>True while the process exists and is not a zombie (a zombie has ended; only its exit status waits).</summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            // "PID (COMM) STATE ...": COMM may hold spaces and parentheses; STATE follows the last ')'.
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state is not ("Z" or "X");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The running processes whose command line contains <paramref name="text"/>, as "PID: ARGV".</summary>
    public static IReadOnlyList<string> WithCommandLineContaining(string text)
    {
        var found = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            string argv;
            try
            {
                argv = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            if (argv.Contains(text, StringComparison.Ordinal) && IsRunning(pid))
            {
                found.Add($"{pid}: {argv}");
            }
        }

        return found;
    }

    /// <summary>Waits (a bounded time, polling) until the process has ended; fails naming <paramref name="what"/> if it stays.</summary>
    public static async Task WaitUntilGoneAsync(int pid, string what, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        while (IsRunning(pid))
        {
            if (DateTime.UtcNow > deadline)
            {
                var parent = File.ReadAllText($"/proc/{pid}/stat").Split(' ')[3];
                throw new InvalidOperationException($"{what} (pid {pid}) is still running, its parent now pid {parent}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Waits (a bounded time, polling) until no running process's command line contains <paramref name="text"/>.</summary>
    public static async Task WaitUntilNoneAsync(string text, string what, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        while (WithCommandLineContaining(text) is { Count: > 0 } left)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"{what} still running:\n  " + string.Join("\n  ", left));
            }

            await Task.Delay(50);
        }
    }
}
