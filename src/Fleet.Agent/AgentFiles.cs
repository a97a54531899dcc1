using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Fleet.Agent.Activation;
using Fleet.Agent.Health;

namespace Fleet.Agent;

/// <summary>
/// The agent's JSON files under <see cref="AgentPaths"/>: written atomically (temp file, fsync,
/// rename) so a reader never sees half a file; a missing or unreadable file reads as null.
/// </summary>
public sealed class AgentFiles
{
    public AgentFiles(AgentPaths paths)
    {
        Paths = paths;
    }

    public AgentPaths Paths { get; }

    public ActivationRecord? ReadLastActivation() => Read(Paths.LastActivationFile, AgentJsonContext.Default.ActivationRecord);

    public void WriteLastActivation(ActivationRecord record) => Write(Paths.LastActivationFile, record, AgentJsonContext.Default.ActivationRecord);

    /// <summary>The running activation; one whose worker is gone (killed, or the node rebooted) is none.</summary>
    public ActiveActivation? ReadActive() =>
        Read(Paths.ActiveFile, AgentJsonContext.Default.ActiveActivation) is { } active && Directory.Exists($"/proc/{active.Pid}") ? active : null;

    public void WriteActive(ActiveActivation active) => Write(Paths.ActiveFile, active, AgentJsonContext.Default.ActiveActivation);

    public void DeleteActive() => File.Delete(Paths.ActiveFile);

    public HealthReport? ReadHealth() => Read(Paths.HealthFile, AgentJsonContext.Default.HealthReport);

    public void WriteHealth(HealthReport report) => Write(Paths.HealthFile, report, AgentJsonContext.Default.HealthReport);

    /// <summary>Puts back the health report of a system that runs again (a rollback), or none when it had none.</summary>
    public void RestoreHealth(HealthReport? report)
    {
        if (report is null)
        {
            File.Delete(Paths.HealthFile);
        }
        else
        {
            WriteHealth(report);
        }
    }

    public static T? Read<T>(string path, JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize(stream, type);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    public static void Write<T>(string path, T value, JsonTypeInfo<T> type) =>
        Replace(path, stream => JsonSerializer.Serialize(stream, value, type));

    /// <summary>A small text file (a confirmation, a rejection), all or nothing like the JSON files.</summary>
    public static void WriteText(string path, string text) =>
        Replace(path, stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(text)));

    /// <summary>Temp file, fsync, rename, fsync of the directory; a failure on the way deletes the temp file and leaves <paramref name="path"/> as it was.</summary>
    private static void Replace(string path, Action<Stream> write)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
            DirectoryFlush.Flush(Path.GetDirectoryName(path)!);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
