using System.Runtime.InteropServices;

namespace Fleet.Processes;

/// <summary>POSIX signals for the graceful part of a stop and for process groups; .NET itself only offers SIGKILL to one process.</summary>
internal static partial class Signals
{
    public const int Probe = 0;
    public const int Interrupt = 2;
    public const int Kill = 9;
    public const int Terminate = 15;

    public static bool Send(int pid, int signal) => KillNative(pid, signal) == 0;

    /// <summary>Signals every process of the group <paramref name="groupId"/>; false when the group has no process left.</summary>
    public static bool SendToGroup(int groupId, int signal) => groupId > 1 && KillNative(-groupId, signal) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int KillNative(int pid, int signal);
}
