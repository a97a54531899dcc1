# STAND-IN for flake-parts' modules/checks.nix (NOT flake-parts).
{ lib, flake-parts-lib, ... }:
flake-parts-lib.mkTransposedPerSystemModule {
  name = "checks";
  option = lib.mkOption { type = lib.types.lazyAttrsOf lib.types.package; default = { }; description = "Derivations for nix flake check."; };
  file = ./checks.nix;
}
