using System.Diagnostics;
using System.Globalization;

namespace Fleet.State;

/// <summary>
/// Tells a live process from a dead one by pid and start time. On Linux the start time is read
/// as clock ticks since boot plus the boot id (exact, immune to clock changes); elsewhere the
/// runtime's start time is compared with a small tolerance.
/// </summary>
internal static class ProcessIdentity
{
    private static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(1);

    /// <summary>This process: pid, start time and (on Linux) its exact identity key.</summary>
    public static (int Pid, DateTimeOffset Start, string? Key) Current { get; } = Describe(Environment.ProcessId)
        ?? (Environment.ProcessId, DateTimeOffset.UtcNow, null);

    /// <summary>pid, start time and key of a running process, or null if there is none with that pid.</summary>
    public static (int Pid, DateTimeOffset Start, string? Key)? Describe(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            return DescribeLinux(pid);
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return (pid, new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero), null);
        }
        catch (ArgumentException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>True when the process that wrote (pid, start, key) is still running.</summary>
    public static bool IsAlive(int pid, DateTimeOffset start, string? key)
    {
        var now = Describe(pid);
        if (now is not { } running)
        {
            return false;
        }

        if (key is not null && running.Key is not null)
        {
            return string.Equals(key, running.Key, StringComparison.Ordinal);
        }

        return (running.Start - start).Duration() <= Tolerance;
    }

    private static (int, DateTimeOffset, string?)? DescribeLinux(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        if (fields[0] == "Z" || fields[0] == "X")
        {
            return null;
        }

        var ticks = long.Parse(fields[19], CultureInfo.InvariantCulture);
        var start = BootTime().AddSeconds(ticks / (double)ClockTicksPerSecond);
        return (pid, start, $"{BootId()}:{ticks.ToString(CultureInfo.InvariantCulture)}");
    }

    // USER_HZ is 100 on every Linux architecture .NET runs on.
    private const int ClockTicksPerSecond = 100;

    private static DateTimeOffset BootTime()
    {
        foreach (var line in File.ReadLines("/proc/stat"))
        {
            if (line.StartsWith("btime ", StringComparison.Ordinal))
            {
                return DateTimeOffset.FromUnixTimeSeconds(long.Parse(line[6..].Trim(), CultureInfo.InvariantCulture));
            }
        }

        return DateTimeOffset.UnixEpoch;
    }

    private static string BootId()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
        }
        catch (IOException)
        {
            return "unknown-boot";
        }
    }
}
