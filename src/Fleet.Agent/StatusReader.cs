using Fleet.Agent.Activation;

namespace Fleet.Agent;

/// <summary>Puts together what `status` reports from the node's links and the agent's files.</summary>
public static class StatusReader
{
    public static StatusReport Read(AgentFiles files, int logLines = 20)
    {
        ArgumentNullException.ThrowIfNull(files);
        var node = NodeStatus.Read(files.Paths.Root);
        var current = SystemSwitcher.CurrentSystem(files.Paths);
        var last = files.ReadLastActivation();
        var active = files.ReadActive();
        return new StatusReport(
            current ?? node.CurrentSystem,
            node.ProfileSystem,
            node.Generation,
            last is not null && last.System == current ? last.Previous : null,
            last,
            last is null ? [] : [.. Tail(last.Log, logLines)],
            files.ReadHealth(),
            active);
    }

    private static IEnumerable<string> Tail(string path, int lines)
    {
        try
        {
            var all = File.ReadAllLines(path);
            return all.Skip(Math.Max(0, all.Length - lines));
        }
        catch (IOException)
        {
            return [];
        }
    }
}
