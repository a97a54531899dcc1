# STAND-IN for flake-parts' lib.nix (NOT flake-parts): mkFlake and the helpers fleet's tests use.
# As in flake-parts, mkFlake evaluates the flake module with lib.evalModules (class "flake"),
# the built-in modules first, with the module arguments self, inputs, flake-parts-lib and
# moduleLocation, and returns the evaluated `flake` attribute set (processedFlake).
{ lib, builtinModules }:
let
  inherit (lib) mkOption types;

  flake-parts-lib = {
    evalFlakeModule =
      args@{ inputs ? self.inputs
      , specialArgs ? { }
      , self ? inputs.self or (throw "flake-parts (stand-in): mkFlake wants the flake's output arguments: mkFlake { inherit inputs; } ...")
      , moduleLocation ? "${toString self.outPath}/flake.nix"
      }:
      module:
      lib.evalModules {
        specialArgs = {
          inherit self flake-parts-lib moduleLocation;
          inputs = args.inputs or self.inputs;
        } // specialArgs;
        modules = builtins.attrValues builtinModules ++ [ (lib.setDefaultModuleLocation moduleLocation module) ];
        class = "flake";
      };

    mkFlake = args: module: (flake-parts-lib.evalFlakeModule args module).config.processedFlake;

    # An option declaration that adds a module to every perSystem evaluation.
    mkPerSystemOption = module: mkOption { type = types.deferredModuleWith { staticModules = [ module ]; }; };

    # flake.<name>.<system> from perSystem's <name>, as flake-parts' packages, checks, ... are.
    mkTransposedPerSystemModule = { name, option, file }: {
      _file = file;
      options = {
        flake.${name} = mkOption {
          type = types.lazyAttrsOf option.type;
          default = { };
          description = "See perSystem.${name}.";
        };
        perSystem = flake-parts-lib.mkPerSystemOption { _file = file; options.${name} = option; };
      };
      config.transposition.${name} = { };
    };
  };
in
flake-parts-lib
