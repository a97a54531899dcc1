namespace Fleet.Agent.Secrets;

/// <summary>
/// /var/lib/fleet-agent/pending-owners.json: secrets uploaded before the activation that creates
/// their owner or group. `activate` gives each its owner right after switch-to-configuration.
/// </summary>
public sealed class PendingOwners
{
    private readonly AgentPaths _paths;

    public PendingOwners(AgentPaths paths)
    {
        _paths = paths;
    }

    public PendingOwner? Get(string path) => Load().FirstOrDefault(p => p.Path == path);

    /// <summary>Records (or, with null, forgets) the pending owner of one file.</summary>
    public void Set(string path, PendingOwner? pending)
    {
        var all = Load().Where(p => p.Path != path).ToList();
        if (pending is not null)
        {
            all.Add(pending);
        }

        Save(all);
    }

    /// <summary>Chowns every pending file whose owner and group exist now; returns a line per file for the log.</summary>
    public IReadOnlyList<string> Apply()
    {
        var all = Load();
        if (all.Length == 0)
        {
            return [];
        }

        var accounts = AccountDatabase.Read(_paths);
        var left = new List<PendingOwner>();
        var lines = new List<string>();
        foreach (var pending in all)
        {
            if (!File.Exists(pending.Path))
            {
                continue;
            }

            if (accounts.UserId(pending.Owner) is { } uid && accounts.GroupId(pending.Group) is { } gid)
            {
                FileOwnership.Change(pending.Path, uid, gid);
                lines.Add($"gave {pending.Path} to {pending.Owner}:{pending.Group}");
            }
            else
            {
                left.Add(pending);
                lines.Add($"warning: {pending.Path} stays root-owned: {pending.Owner}:{pending.Group} does not exist after activation");
            }
        }

        Save(left);
        return lines;
    }

    private PendingOwner[] Load() =>
        AgentFiles.Read(_paths.PendingOwnersFile, AgentJsonContext.Default.PendingOwnerArray) ?? [];

    private void Save(List<PendingOwner> all)
    {
        if (all.Count == 0)
        {
            if (File.Exists(_paths.PendingOwnersFile))
            {
                File.Delete(_paths.PendingOwnersFile);
            }

            return;
        }

        AgentFiles.Write(_paths.PendingOwnersFile, [.. all], AgentJsonContext.Default.PendingOwnerArray);
    }
}
