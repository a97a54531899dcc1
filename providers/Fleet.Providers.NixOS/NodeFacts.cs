namespace Fleet.Providers.NixOS;

/// <summary>What a node really runs, read in one SSH round trip.</summary>
public sealed record NodeFacts(string? CurrentSystem, string? ProfileSystem, int? Generation);
