# STAND-IN for the flake-parts flake (hercules-ci/flake-parts) -- NOT flake-parts.
#
# flake-parts cannot be fetched on the machines fleet is tested on, so the tests of fleet's
# flake-parts module (nix-modules/flake-parts) bring this small substitute, written independently
# to behave as flake-parts does for what they use. Call it with a lib (the nixpkgs stand-in's):
#
#   flake-parts = import ./tests/flake-parts-standin { lib = import ./tests/nixpkgs-standin/lib; };
#   flake-parts.lib.mkFlake { inherit inputs; } { imports = [ ... ]; systems = [ ... ]; ... }
#
# It gives what the real flake's outputs give: `lib` (mkFlake, evalFlakeModule, ...) and
# `flakeModules` (the optional modules, e.g. `flakeModules.flakeModules`). See ./README.md.
{ lib }:
let
  builtinModules = {
    flake = ./modules/flake.nix;
    perSystem = ./modules/perSystem.nix;
    transposition = ./modules/transposition.nix;
    packages = ./modules/packages.nix;
    checks = ./modules/checks.nix;
    nixosConfigurations = ./modules/nixosConfigurations.nix;
    nixosModules = ./modules/nixosModules.nix;
  };
  extraModules = {
    flakeModules = ./extras/flakeModules.nix;
  };
in
{
  lib = import ./lib.nix { inherit lib builtinModules; };
  flakeModules = builtinModules // extraModules;
}
