using System.Runtime.InteropServices;

namespace Fleet.Agent;

/// <summary>
/// fsync(2) of a directory, so a rename into it survives a power cut: the renamed file's data
/// was flushed before the rename, the directory entry that names it is flushed here. .NET cannot
/// open a directory as a stream, hence open(2) directly.
/// </summary>
public static partial class DirectoryFlush
{
    private const int ReadOnly = 0;
    private const int Directory = 0x10000;
    private const int CloseOnExec = 0x80000;
    private const int InvalidArgument = 22;

    public static void Flush(string directory)
    {
        var fd = Open(directory, ReadOnly | Directory | CloseOnExec);
        if (fd < 0)
        {
            throw new IOException($"open {directory} to flush it failed (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            // EINVAL: a file system that cannot sync directories (some FUSE and tmpfs-like ones); nothing to flush.
            if (Fsync(fd) != 0 && Marshal.GetLastPInvokeError() is var errno && errno != InvalidArgument)
            {
                throw new IOException($"fsync of directory {directory} failed (errno {errno})");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
