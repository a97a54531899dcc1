using System.Runtime.InteropServices;

namespace Fleet.Agent.Secrets;

/// <summary>A file's owner: chown(2) and statx(2) by numeric ids (.NET has no API for either).</summary>
internal static partial class FileOwnership
{
    private const int AtFdCwd = -100;
    private const uint StatxBasicStats = 0x7ff;

    public static void Change(string path, int uid, int gid)
    {
        if (Chown(path, uid, gid) != 0)
        {
            throw new IOException($"chown {uid}:{gid} {path} failed (errno {Marshal.GetLastPInvokeError()})");
        }
    }

    /// <summary>(uid, gid) of a file. struct statx has the same layout on every architecture.</summary>
    public static (int Uid, int Gid) Read(string path)
    {
        var buffer = new byte[256];
        if (Statx(AtFdCwd, path, 0, StatxBasicStats, buffer) != 0)
        {
            throw new IOException($"statx {path} failed (errno {Marshal.GetLastPInvokeError()})");
        }

        return ((int)MemoryMarshal.Read<uint>(buffer.AsSpan(20)), (int)MemoryMarshal.Read<uint>(buffer.AsSpan(24)));
    }

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Chown(string path, int uid, int gid);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, [Out] byte[] buffer);
}
