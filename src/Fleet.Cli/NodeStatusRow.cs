using System.Text.Json;
using Fleet.Nodes;
using Fleet.Processes;
using Fleet.Protocol;

namespace Fleet.Cli;

/// <summary>One node in `fleet status`, read from its agent (or, without one, from its profile links).</summary>
internal sealed record NodeStatusRow(
    string Node,
    bool Reachable,
    string? CurrentSystem,
    int? Generation,
    string? PreviousSystem,
    string? Health,
    string? LastOutcome,
    DateTimeOffset? LastActivationEnd,
    string? Error)
{
    public static async Task<NodeStatusRow> ReadAsync(NodeHandle node, SshConnections ssh, ProcessRunner runner, CancellationToken cancellationToken)
    {
        if (node.Target.Host is null)
        {
            return new NodeStatusRow(node.Name, false, null, null, null, null, null, null, "no targetHost: only fleet apply-local on the node itself reaches it");
        }

        var argv = node.AgentExecutable is { } agent
            ? [.. node.Target.Privileged(), agent, "status", "--json"]
            : new[] { "sh", "-c", "printf '{\"currentSystem\":\"%s\"}' \"$(readlink -f /run/current-system)\"" };
        var result = await runner.RunAsync(ssh.Command(node.Target, argv), cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            var last = ProcessResult.LastLine(result.StandardError);
            return new NodeStatusRow(node.Name, result.ExitCode != 255, null, null, null, null, null, null, $"exit {result.ExitCode}: {last}");
        }

        try
        {
            using var document = JsonDocument.Parse(result.StandardOutput);
            var root = document.RootElement;
            var last = root.TryGetProperty("lastActivation", out var l) && l.ValueKind == JsonValueKind.Object ? l : default;
            return new NodeStatusRow(
                node.Name,
                true,
                JsonFields.String(root, "currentSystem"),
                root.TryGetProperty("generation", out var g) && g.ValueKind == JsonValueKind.Number ? g.GetInt32() : null,
                JsonFields.String(root, "previousSystem"),
                HealthOf(root),
                last.ValueKind == JsonValueKind.Object ? JsonFields.String(last, "outcome") : null,
                last.ValueKind == JsonValueKind.Object && last.TryGetProperty("end", out var e) && e.TryGetDateTimeOffset(out var end) ? end : null,
                null);
        }
        catch (JsonException e)
        {
            return new NodeStatusRow(node.Name, true, null, null, null, null, null, null, "unreadable status: " + e.Message);
        }
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
