# STAND-IN for flake-parts' modules/perSystem.nix (NOT flake-parts): `systems`, `perSystem` (a
# module evaluated once per system, with the `system` argument and `pkgs` from the flake's
# nixpkgs input when it has one) and `allSystems`; the module arguments getSystem and withSystem.
{ config, lib, inputs, flake-parts-lib, ... }:
let
  inherit (lib) mkOption types;
in
{
  options = {
    systems = mkOption {
      type = types.listOf types.str;
      description = "The systems the per-system outputs are given for.";
    };
    perSystem = mkOption {
      type = types.deferredModuleWith {
        staticModules = [
          ({ system, lib, ... }: {
            _file = ./perSystem.nix;
            config._module.args.pkgs = lib.mkOptionDefault (
              if inputs ? nixpkgs then inputs.nixpkgs.legacyPackages.${system}
              else throw "flake-parts (stand-in): the flake has no `nixpkgs` input; set perSystem's _module.args.pkgs");
          })
        ];
      };
      apply = module: system:
        (lib.evalModules {
          modules = [ module ];
          prefix = [ "perSystem" system ];
          specialArgs = { inherit system; };
          class = "perSystem";
        }).config;
      description = "A module evaluated for each system: the per-system outputs.";
    };
    allSystems = mkOption {
      type = types.lazyAttrsOf types.unspecified;
      internal = true;
      description = "perSystem's configuration for each of `systems`.";
    };
  };

  config = {
    allSystems = lib.genAttrs config.systems config.perSystem;
    _module.args.getSystem = system: config.allSystems.${system} or (config.perSystem system);
    _module.args.withSystem = system: f: f (config.allSystems.${system} or (config.perSystem system));
  };
}
