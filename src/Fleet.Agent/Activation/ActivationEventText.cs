using System.Globalization;

namespace Fleet.Agent.Activation;

/// <summary>One human line for an activation event (stderr of `activate`).</summary>
public static class ActivationEventText
{
    public static string Render(ActivationEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Event switch
        {
            "started" => $"fleet-agent: activation {e.Id}: {e.Goal} {e.System} (worker pid {e.Pid}, log {e.Log})",
            "stage" when e.Previous is not null => $"fleet-agent: {e.Stage} ({e.Previous})",
            "stage" => $"fleet-agent: {e.Stage}",
            "output" => e.Line ?? string.Empty,
            "check" when e.Check is { } c => string.Create(
                CultureInfo.InvariantCulture, $"fleet-agent: check {c.Name}: {(c.Ok ? "ok" : "FAILED")} after {c.Attempts} attempt(s){(c.Ok ? string.Empty : ": " + c.Message)}"),
            "awaiting-confirmation" => string.Create(
                CultureInfo.InvariantCulture, $"fleet-agent: activated; awaiting confirmation until {e.Deadline:O} (fleet-agent confirm --id {e.Id})"),
            "finished" => string.Create(
                CultureInfo.InvariantCulture, $"fleet-agent: {e.Outcome} (exit {e.ExitCode}){(e.Message is null ? string.Empty : ": " + e.Message)}"),
            _ => $"fleet-agent: {e.Event}",
        };
    }
}
