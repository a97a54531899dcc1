# STAND-IN for flake-parts' modules/nixosConfigurations.nix (NOT flake-parts).
{ lib, ... }:
{
  options.flake.nixosConfigurations = lib.mkOption {
    type = lib.types.lazyAttrsOf lib.types.raw;
    default = { };
    description = "Evaluated NixOS configurations (nixosSystem results), as nixos-rebuild uses them.";
  };
}
