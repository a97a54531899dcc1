# STAND-IN for flake-parts' modules/nixosModules.nix (NOT flake-parts).
{ lib, moduleLocation, ... }:
{
  options.flake.nixosModules = lib.mkOption {
    type = lib.types.lazyAttrsOf lib.types.deferredModule;
    default = { };
    apply = lib.mapAttrs (k: v: { _class = "nixos"; _file = "${toString moduleLocation}#nixosModules.${k}"; imports = [ v ]; });
    description = "NixOS modules.";
  };
}
