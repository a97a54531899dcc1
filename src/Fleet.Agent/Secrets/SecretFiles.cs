using System.Security.Cryptography;
using System.Text;
using Fleet.Nodes;

namespace Fleet.Agent.Secrets;

/// <summary>
/// Secret files on the node (`write-secret`, `secret-status`, `remove-secret`). The content comes
/// from standard input, framed (<see cref="SecretUploadFrame"/>), and only ever goes to the
/// destination: it is written to a temporary file in the destination's directory that already
/// has its owner and mode (so it is never readable by anyone else, not even for a moment),
/// fsynced, then renamed into place — only once the whole upload arrived and its digest matched.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SecretFiles
{
    private readonly AgentFiles _files;

    public SecretFiles(AgentFiles files)
    {
        _files = files;
    }

    public async Task<SecretStatus> WriteAsync(string destination, string owner, string group, string modeText, string salt, bool allowPendingOwner, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        CheckDestination(destination);
        var mode = ParseMode(modeText);
        CheckNotDirectory(destination);
        var accounts = AccountDatabase.Read(_files.Paths);
        var uid = accounts.UserId(owner);
        var gid = accounts.GroupId(group);
        var pending = uid is null || gid is null;
        if (pending && !allowPendingOwner)
        {
            throw new UsageException($"{(uid is null ? $"user '{owner}'" : $"group '{group}'")} does not exist on this node");
        }

        var directory = Path.GetDirectoryName(destination)!;
        if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        RemoveAbandonedTemporaries(destination);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(destination)}.fleet-{Environment.ProcessId}.tmp");
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(salt));
        try
        {
            // Owner and mode first, content after: the file is 0600 root from its creation.
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            };
            await using (var stream = new FileStream(temporary, options))
            {
                FileOwnership.Change(temporary, uid ?? 0, gid ?? 0);
                File.SetUnixFileMode(temporary, mode);

                // Only a complete, verified upload gets past this line; anything else throws and
                // the temporary file goes, the old destination untouched.
                await SecretUploadFrame.ReadAsync(
                    content,
                    async (chunk, token) =>
                    {
                        sha.AppendData(chunk.Span);
                        await stream.WriteAsync(chunk, token).ConfigureAwait(false);
                    },
                    cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, destination, overwrite: true);
            DirectoryFlush.Flush(directory);
        }
        catch (SecretUploadException e)
        {
            throw new SecretUploadException($"{destination} not replaced (the old file, if any, is kept): {e.Message}", e);
        }
        finally
        {
            File.Delete(temporary);
        }

        var pendingOwners = new PendingOwners(_files.Paths);
        pendingOwners.Set(destination, pending ? new PendingOwner(destination, owner, group) : null);
        return new SecretStatus(true)
        {
            Owner = owner,
            Group = group,
            Mode = FormatMode(mode),
            Digest = Convert.ToHexStringLower(sha.GetHashAndReset()),
            PendingOwner = pending,
        };
    }

    public async Task<SecretStatus> StatusAsync(string destination, string salt, CancellationToken cancellationToken)
    {
        CheckDestination(destination);
        CheckNotDirectory(destination);
        if (!File.Exists(destination))
        {
            return new SecretStatus(false);
        }

        var (uid, gid) = FileOwnership.Read(destination);
        var accounts = AccountDatabase.Read(_files.Paths);
        var pending = new PendingOwners(_files.Paths).Get(destination);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(salt));
        await using (var stream = File.OpenRead(destination))
        {
            var buffer = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                sha.AppendData(buffer, 0, read);
            }

            CryptographicOperations.ZeroMemory(buffer);
        }

        return new SecretStatus(true)
        {
            // A pending owner is reported as wanted: it is not drift, `activate` will set it.
            Owner = pending?.Owner ?? accounts.UserName(uid),
            Group = pending?.Group ?? accounts.GroupName(gid),
            Mode = FormatMode(File.GetUnixFileMode(destination)),
            Digest = Convert.ToHexStringLower(sha.GetHashAndReset()),
            PendingOwner = pending is not null,
        };
    }

    public bool Remove(string destination)
    {
        CheckDestination(destination);
        CheckNotDirectory(destination);
        new PendingOwners(_files.Paths).Set(destination, null);
        if (!File.Exists(destination))
        {
            return false;
        }

        File.Delete(destination);
        DirectoryFlush.Flush(Path.GetDirectoryName(destination)!);
        return true;
    }

    public static UnixFileMode ParseMode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // Permission bits only: a secret that is setuid, setgid or sticky is a mistake, never a wish.
        return text.Length is >= 3 and <= 4 && text.All(c => c is >= '0' and <= '7') && Convert.ToInt32(text, 8) <= 0x1FF
            ? (UnixFileMode)Convert.ToInt32(text, 8)
            : throw new UsageException($"--mode wants octal permission bits 0000-0777 like 0400 (no setuid, setgid or sticky bit), not '{text}'");
    }

    public static string FormatMode(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');

    /// <summary>A directory is not a secret that is missing: status, write and remove all refuse it.</summary>
    private static void CheckNotDirectory(string destination)
    {
        if (Directory.Exists(destination))
        {
            throw new UsageException($"--dest {destination} is a directory; a secret is a file");
        }
    }

    /// <summary>Temporary files of a write-secret that was itself killed (its process is gone).</summary>
    private static void RemoveAbandonedTemporaries(string destination)
    {
        var directory = Path.GetDirectoryName(destination)!;
        var prefix = $".{Path.GetFileName(destination)}.fleet-";
        foreach (var file in Directory.EnumerateFiles(directory, $"{prefix}*.tmp"))
        {
            var pid = Path.GetFileName(file)[prefix.Length..^".tmp".Length];
            if (int.TryParse(pid, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) && !Directory.Exists($"/proc/{id}"))
            {
                File.Delete(file);
            }
        }
    }

    private static void CheckDestination(string destination)
    {
        if (!Path.IsPathFullyQualified(destination) || destination.EndsWith('/') || destination.Contains("/../", StringComparison.Ordinal))
        {
            throw new UsageException($"--dest wants an absolute file path, not '{destination}'");
        }
    }
}
