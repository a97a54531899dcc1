namespace Fleet.Agent.Health;

/// <summary>How one check went: its last attempt's message and how many attempts it took.</summary>
public sealed record HealthResult(string Name, string Type, bool Ok, int Attempts, string Message, long DurationMs);
