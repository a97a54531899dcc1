using System.Runtime.InteropServices;

namespace Fleet.Processes;

/// <summary>POSIX signals for the graceful part of a stop; .NET itself only offers SIGKILL.</summary>
internal static partial class Signals
{
    public const int Interrupt = 2;
    public const int Terminate = 15;

    public static bool Send(int pid, int signal) => Kill(pid, signal) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
