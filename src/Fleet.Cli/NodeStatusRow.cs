using System.Text.Json;
using Fleet.Nodes;
using Fleet.Processes;
using Fleet.Protocol;

namespace Fleet.Cli;

/// <summary>
/// One node in `fleet status`, read from its agent (or, without one, from its profile links):
/// what it runs (the system's short hash and generation), whether that is what the configuration
/// says (<see cref="Sync"/>), the health of what it runs now, and its last deployment.
/// </summary>
/// <param name="System">The first characters of the running system's store hash: what tells two generations apart.</param>
/// <param name="DesiredSystem">The system the configuration builds for the node (evaluated now).</param>
/// <param name="Sync">`in sync`, `differs`, or `rolled back` (the node tried the configured system and went back); null when unknown.</param>
/// <param name="Health">Of the system the node runs now: a rollback's failed checks are in <paramref name="LastMessage"/>.</param>
/// <param name="LastSystem">The system the last deployment activated (or tried to).</param>
internal sealed record NodeStatusRow(
    string Node,
    bool Reachable,
    string? CurrentSystem,
    string? System,
    int? Generation,
    string? PreviousSystem,
    string? DesiredSystem,
    string? Sync,
    string? Health,
    string? LastOutcome,
    string? LastSystem,
    string? LastMessage,
    DateTimeOffset? LastActivationEnd,
    string? Error)
{
    public const string InSync = "in sync";
    public const string Differs = "differs";
    public const string RolledBack = "rolled back";

    /// <summary>How many characters of the store hash `fleet status` shows, as git shows commits.</summary>
    public const int ShortHashLength = 7;

    private static NodeStatusRow Unread(string node, bool reachable, string? desired, string error) =>
        new(node, reachable, null, null, null, null, desired, null, null, null, null, null, null, error);

    /// <param name="desiredSystem">The system the configuration builds for the node, if known.</param>
    public static async Task<NodeStatusRow> ReadAsync(NodeHandle node, string? desiredSystem, SshConnections ssh, ProcessRunner runner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(ssh);
        ArgumentNullException.ThrowIfNull(runner);
        if (node.Target.Host is null)
        {
            return Unread(node.Name, false, desiredSystem, "no targetHost: only fleet apply-local on the node itself reaches it");
        }

        var argv = node.AgentExecutable is { } agent
            ? [.. node.Target.Privileged(), agent, "status", "--json"]
            : new[] { "sh", "-c", "printf '{\"currentSystem\":\"%s\"}' \"$(readlink -f /run/current-system)\"" };
        var result = await runner.RunAsync(ssh.Command(node.Target, argv), cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            var last = ProcessResult.LastLine(result.StandardError);
            return Unread(node.Name, result.ExitCode != 255, desiredSystem, $"exit {result.ExitCode}: {last}");
        }

        try
        {
            using var document = JsonDocument.Parse(result.StandardOutput);
            return FromAgent(node.Name, desiredSystem, document.RootElement);
        }
        catch (JsonException e)
        {
            return Unread(node.Name, true, desiredSystem, "unreadable status: " + e.Message);
        }
    }

    /// <summary>A row from the agent's `status --json` (or the bare `currentSystem` of a node without one).</summary>
    public static NodeStatusRow FromAgent(string node, string? desiredSystem, JsonElement root)
    {
        var last = root.TryGetProperty("lastActivation", out var l) && l.ValueKind == JsonValueKind.Object ? l : default;
        var hasLast = last.ValueKind == JsonValueKind.Object;
        var current = JsonFields.String(root, "currentSystem");
        var outcome = hasLast ? JsonFields.String(last, "outcome") : null;
        var lastSystem = hasLast ? JsonFields.String(last, "system") : null;
        return new NodeStatusRow(
            node,
            true,
            current,
            ShortHash(current),
            root.TryGetProperty("generation", out var g) && g.ValueKind == JsonValueKind.Number ? g.GetInt32() : null,
            JsonFields.String(root, "previousSystem"),
            desiredSystem,
            SyncOf(current, desiredSystem, outcome, lastSystem),
            HealthOf(root),
            outcome,
            lastSystem,
            hasLast ? JsonFields.String(last, "message") : null,
            hasLast && last.TryGetProperty("end", out var e) && e.TryGetDateTimeOffset(out var end) ? end : null,
            null);
    }

    /// <summary>`abc1234` of `/nix/store/abc1234…-nixos-system-web-25.05`.</summary>
    public static string? ShortHash(string? storePath) =>
        storePath is not null && storePath.StartsWith("/nix/store/", StringComparison.Ordinal) && storePath.Length >= 11 + ShortHashLength
            ? storePath.Substring(11, ShortHashLength)
            : null;

    private static string? SyncOf(string? current, string? desired, string? lastOutcome, string? lastSystem)
    {
        if (current is null || desired is null)
        {
            return null;
        }

        if (current == desired)
        {
            return InSync;
        }

        // The agent's rollback outcomes are `rolled-back-health`, `-switch`, `-timeout` and `-manual`.
        return lastSystem == desired && lastOutcome is not null && lastOutcome.StartsWith("rolled-back", StringComparison.Ordinal) ? RolledBack : Differs;
    }

    private static string? HealthOf(JsonElement root)
    {
        if (!root.TryGetProperty("health", out var h))
        {
            return null;
        }

        // The agent's HealthReport: { time, ok, results: [{ name, type, ok, ... }] }.
        if (h.ValueKind != JsonValueKind.Object || !h.TryGetProperty("results", out var results)
            || results.ValueKind != JsonValueKind.Array || results.GetArrayLength() == 0)
        {
            return "no checks";
        }

        return h.TryGetProperty("ok", out var ok) && ok.ValueKind == JsonValueKind.True ? "healthy" : "unhealthy";
    }
}
