using System.Collections.Immutable;
using System.Text.Json;
using Fleet.Protocol;

namespace Fleet.Nodes;

/// <summary>
/// How to reach a node. Over SSH: host, port, user (null: ssh's default), extra OpenSSH options
/// and an optional pinned host key. Or locally (<see cref="IsLocal"/>, the node `fleet
/// apply-local` deploys): its commands run as fleet's own children on this machine, no SSH and no
/// copy. Privileged steps go through <see cref="PrivilegeEscalation"/> (deployment.privilegeEscalationCommand)
/// when the SSH user is not root, or locally with `--sudo` when fleet does not run as root.
/// </summary>
public sealed record SshTarget(string? Host, int? Port, string? User, ImmutableArray<string> Options, string? HostKey)
{
    /// <summary>Set by `fleet apply-local` for its providers: the name of the node that is this machine.</summary>
    public const string LocalNodeVariable = "FLEET_LOCAL_NODE";

    /// <summary>Set to 1 by `fleet apply-local --sudo`: privileged local steps go through the escalation command.</summary>
    public const string LocalEscalationVariable = "FLEET_LOCAL_SUDO";

    /// <summary>Colmena's default privilegeEscalationCommand, and fleet's.</summary>
    public static ImmutableArray<string> DefaultPrivilegeEscalation { get; } = ["sudo", "-H", "--"];

    /// <summary>The words put before a privileged command (deployment.privilegeEscalationCommand).</summary>
    public ImmutableArray<string> PrivilegeEscalation { get; init; } = DefaultPrivilegeEscalation;

    /// <summary>The node's name in the fleet, when known (for messages).</summary>
    public string? Node { get; init; }

    /// <summary>The node is the machine fleet runs on: commands run here, without SSH.</summary>
    public bool IsLocal { get; init; }

    /// <summary>Locally: privileged steps go through <see cref="PrivilegeEscalation"/> when fleet is not root (`--sudo`).</summary>
    public bool LocalEscalation { get; init; }

    /// <summary>`user@host`, or `host` for ssh's default user; a node without a host cannot be reached over SSH.</summary>
    public string Destination => Host is null ? throw NoHost() : User is null ? Host : $"{User}@{Host}";

    /// <summary>Whether privileged steps go through the escalation command.</summary>
    public bool NeedsEscalation => IsLocal ? LocalEscalation && !Environment.IsPrivilegedProcess : User != "root";

    /// <summary>Whether the escalation command is sudo, which fleet runs non-interactively (`-n`) or with a password (`-S`).</summary>
    public bool EscalatesWithSudo => !PrivilegeEscalation.IsEmpty && Path.GetFileName(PrivilegeEscalation[0]) == "sudo";

    /// <summary>
    /// The words before a privileged command run without a password: sudo (or $FLEET_SUDO) with
    /// `-n` after its name, any other command as given; none when <see cref="NeedsEscalation"/> is false.
    /// </summary>
    public ImmutableArray<string> Privileged() => NeedsEscalation ? Escalation("-n") : [];

    /// <summary>sudo reading the password as the first line of its stdin, without a prompt; null when the command is not sudo.</summary>
    public ImmutableArray<string>? PrivilegedWithPassword() => EscalatesWithSudo ? Escalation("-k", "-S", "-p", "") : null;

    private ImmutableArray<string> Escalation(params string[] sudoFlags) => EscalatesWithSudo
        ? [Environment.GetEnvironmentVariable("FLEET_SUDO") is { Length: > 0 } sudo ? sudo : PrivilegeEscalation[0], .. sudoFlags, .. PrivilegeEscalation[1..]]
        : PrivilegeEscalation;

    /// <summary>The failure of a node that has no targetHost and is not deployed locally.</summary>
    public ResourceFailedException NoHost() =>
        new($"node {Node ?? "?"} has no targetHost: it can only be deployed with fleet apply-local");

    /// <summary>
    /// The target a resource's inputs describe (deployment.connection: targetHost, targetPort,
    /// targetUser, sshOptions, hostKey, privilegeEscalationCommand); local when `resourceId`
    /// belongs to the node named by $FLEET_LOCAL_NODE (`node.NAME` or `node.NAME.KEY`).
    /// </summary>
    public static SshTarget FromInputs(JsonElement inputs, string? resourceId, string? node = null)
    {
        var local = Environment.GetEnvironmentVariable(LocalNodeVariable) is { Length: > 0 } name
            && (node == name || resourceId == $"node.{name}" || resourceId?.StartsWith($"node.{name}.", StringComparison.Ordinal) == true);
        return new SshTarget(
            JsonFields.String(inputs, "targetHost"),
            inputs.TryGetProperty("targetPort", out var port) && port.ValueKind == JsonValueKind.Number ? port.GetInt32() : null,
            JsonFields.String(inputs, "targetUser"),
            Strings(inputs, "sshOptions") ?? [],
            JsonFields.String(inputs, "hostKey"))
        {
            PrivilegeEscalation = Strings(inputs, "privilegeEscalationCommand") is { IsEmpty: false } command ? command : DefaultPrivilegeEscalation,
            Node = node ?? (resourceId is null ? null : ConnectionLoss.NodeName(resourceId)),
            IsLocal = local,
            LocalEscalation = local && Environment.GetEnvironmentVariable(LocalEscalationVariable) == "1",
        };
    }

    public override string ToString() =>
        IsLocal ? $"{Node ?? "the local node"} (this machine)"
        : Host is null ? $"{Node ?? "?"} (no targetHost)"
        : Port is { } p ? $"{Destination}:{p}" : Destination;

    private static ImmutableArray<string>? Strings(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? [.. v.EnumerateArray().Select(e => e.GetString()!)] : null;
}
