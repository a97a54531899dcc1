namespace Fleet.Engine.Nix;

/// <summary>Where a fleet is declared: its entry file and, optionally, the nixpkgs to use instead of meta.nixpkgs.</summary>
public sealed record FleetSource(string EntryFile, string? Nixpkgs = null)
{
    public string Directory => Path.GetDirectoryName(Path.GetFullPath(EntryFile))!;
}
