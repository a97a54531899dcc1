using System.Globalization;

namespace Fleet.Agent.Activation;

/// <summary>
/// The node's one activation at a time: an exclusive, non-blocking lock on
/// /run/fleet-agent/activation.lock (.NET takes flock(LOCK_EX) for FileShare.None), held for
/// the whole activation including the wait for confirmation. The kernel drops it when the holder dies.
/// </summary>
public sealed class ActivationLock : IDisposable
{
    private readonly FileStream _stream;

    private ActivationLock(FileStream stream)
    {
        _stream = stream;
    }

    /// <summary>Takes the lock or throws <see cref="ActivationBusyException"/> naming the holder.</summary>
    public static ActivationLock Acquire(AgentFiles files)
    {
        ArgumentNullException.ThrowIfNull(files);
        Directory.CreateDirectory(files.Paths.RunDirectory);
        try
        {
            return new ActivationLock(new FileStream(files.Paths.LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException e)
        {
            var holder = files.ReadActive();
            var who = holder is null
                ? "another process"
                : string.Create(CultureInfo.InvariantCulture, $"activation {holder.Id} (pid {holder.Pid}, started {holder.StartTime:O}, {holder.State}, system {holder.System})");
            throw new ActivationBusyException($"another activation is in progress on this node: {who} holds {files.Paths.LockFile}", e);
        }
    }

    public void Dispose() => _stream.Dispose();
}
