namespace Fleet.Agent.Secrets;

/// <summary>A secret written before its owner or group existed: `activate` gives it to them after switching.</summary>
public sealed record PendingOwner(string Path, string Owner, string Group);
