using System.Globalization;
using System.Text;

namespace Fleet.Agent.Daemon;

/// <summary>Prometheus text exposition (version 0.0.4) of a status report.</summary>
public static class MetricsText
{
    public static string Render(StatusReport status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var text = new StringBuilder();
        text.Append("# HELP fleet_agent_health_check_up Whether the health check passed on its last run (1) or not (0).\n");
        text.Append("# TYPE fleet_agent_health_check_up gauge\n");
        foreach (var result in status.Health?.Results ?? [])
        {
            text.Append(CultureInfo.InvariantCulture, $"fleet_agent_health_check_up{{check=\"{Escape(result.Name)}\",type=\"{Escape(result.Type)}\"}} {(result.Ok ? 1 : 0)}\n");
        }

        text.Append("# HELP fleet_agent_activation_timestamp_seconds When the last activation ended (Unix time).\n");
        text.Append("# TYPE fleet_agent_activation_timestamp_seconds gauge\n");
        if (status.LastActivation is { } last)
        {
            var end = last.End ?? last.Start;
            text.Append(CultureInfo.InvariantCulture, $"fleet_agent_activation_timestamp_seconds{{outcome=\"{Escape(last.Outcome)}\"}} {end.ToUnixTimeSeconds()}\n");
        }

        text.Append("# HELP fleet_agent_generation The system profile's generation number.\n");
        text.Append("# TYPE fleet_agent_generation gauge\n");
        if (status.Generation is { } generation)
        {
            text.Append(CultureInfo.InvariantCulture, $"fleet_agent_generation {generation}\n");
        }

        text.Append("# HELP fleet_agent_activation_pending Whether an activation awaits confirmation (1) or not (0).\n");
        text.Append("# TYPE fleet_agent_activation_pending gauge\n");
        text.Append(CultureInfo.InvariantCulture, $"fleet_agent_activation_pending {(status.Pending is { State: "awaiting-confirmation" } ? 1 : 0)}\n");
        return text.ToString();
    }

    private static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
