using System.Text.Json.Serialization;

namespace Fleet.Nodes;

/// <summary>
/// How one health check went: its last attempt's message and how many attempts it took. Part of
/// the agent's wire contract: the agent writes it (`check` events, status), the nixos provider
/// reads it to say which check failed and why.
/// </summary>
public sealed record HealthResult(string Name, string Type, bool Ok, int Attempts, string Message, long DurationMs)
{
    /// <summary>Why it failed, without the check's name when the message starts with it ("tcp 127.0.0.1:9999: Connection refused").</summary>
    [JsonIgnore]
    public string Reason =>
        Message.StartsWith(Name + ": ", StringComparison.Ordinal) ? Message[(Name.Length + 2)..] : Message;
}
