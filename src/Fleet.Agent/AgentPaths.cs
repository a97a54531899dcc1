namespace Fleet.Agent;

/// <summary>
/// Where the agent keeps its files on a node. <see cref="Root"/> is "/" on a node; tests point
/// it at a scratch directory.
/// </summary>
public sealed record AgentPaths(string Root)
{
    public static AgentPaths Node { get; } = new("/");

    public string RunDirectory => Combine("run/fleet-agent");

    public string StateDirectory => Combine("var/lib/fleet-agent");

    public string LogDirectory => Combine("var/log/fleet-agent");

    public string LockFile => Path.Combine(RunDirectory, "activation.lock");

    /// <summary>The running activation (written by its worker while it holds the lock).</summary>
    public string ActiveFile => Path.Combine(RunDirectory, "activation.json");

    public string LastActivationFile => Path.Combine(StateDirectory, "last-activation.json");

    public string HealthFile => Path.Combine(StateDirectory, "health.json");

    /// <summary>Secrets whose owner or group the next activation creates (see Secrets/PendingOwners).</summary>
    public string PendingOwnersFile => Path.Combine(StateDirectory, "pending-owners.json");

    public string CurrentSystemLink => Combine("run/current-system");

    public string DefaultProfile => Combine("nix/var/nix/profiles/system");

    public string DefaultSocket => Path.Combine(RunDirectory, "agent.sock");

    public string ConfirmFile(string id) => Path.Combine(RunDirectory, $"confirm-{id}");

    public string RejectFile(string id) => Path.Combine(RunDirectory, $"reject-{id}");

    public string LogFile(string id) => Path.Combine(LogDirectory, $"activation-{id}.log");

    private string Combine(string relative) => Path.Combine(Root, relative);
}
