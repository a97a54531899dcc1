namespace Fleet.Providers.NixOS;

/// <summary>How far a nix build or copy got: <paramref name="Done"/> of <paramref name="Expected"/> <paramref name="Unit"/> (bytes, derivations), and what it works on now.</summary>
public sealed record NixProgress(string? Activity, long Done, long Expected, string Unit);
