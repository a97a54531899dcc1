# STAND-IN for flake-parts' modules/packages.nix (NOT flake-parts).
{ lib, flake-parts-lib, ... }:
flake-parts-lib.mkTransposedPerSystemModule {
  name = "packages";
  option = lib.mkOption { type = lib.types.lazyAttrsOf lib.types.package; default = { }; description = "Packages, for nix build."; };
  file = ./packages.nix;
}
