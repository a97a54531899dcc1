using System.Collections.Immutable;

namespace Fleet.Engine.Nix;

/// <summary>
/// Where a fleet is declared and how to evaluate it: its entry (a file or a flake), the nixpkgs
/// to use instead of meta.nixpkgs, and for a flake its input overrides and whether its
/// nixosConfigurations may be read.
/// </summary>
public sealed record FleetSource(FleetEntry Entry, string? Nixpkgs = null)
{
    /// <summary>A fleet file.</summary>
    public FleetSource(string entryFile, string? nixpkgs = null)
        : this(new FleetFile(entryFile), nixpkgs)
    {
    }

    /// <summary>`--override-input NAME REF`, in order; for a flake entry only.</summary>
    public ImmutableArray<FlakeInputOverride> InputOverrides { get; init; } = [];

    /// <summary>`--nixos-configurations`: a flake with none of fleet, colmenaHive, colmena is read from its nixosConfigurations.</summary>
    public bool ReadNixosConfigurations { get; init; }

    /// <summary>The fleet's directory on this machine: state (.fleet/) is kept beside the entry.</summary>
    public string Directory => Entry.Directory;
}
