# fleet's flake-parts module (the fleet flake's `flakeModules.default`): the fleet declared in a
# flake-parts module tree, beside other tools' modules.
#
#   fleet        the fleet module (what a fleet.nix holds: meta, nodes, evaluatedNodes, defaults,
#                resources, providers), defined in any number of flake-parts modules. Read back,
#                `config.fleet` is the fleet evaluated as fleet's CLI evaluates it:
#                { config, options, resourceGraph, nodes, module }.
#   flake.fleet  the same fleet module as a flake output, which fleet's CLI reads (`-f .`).
#
# The fleet does not depend on a system: it is evaluated once, outside perSystem.
{ config, lib, moduleLocation ? "<flake>", ... }:
let
  inherit (lib) mkOption types;

  # meta.nixpkgs must be known before the fleet's module system exists (its lib and pkgs come
  # from it), so it is read first, from the fleet modules alone.
  nixpkgsOf = module:
    let
      # What the fleet module's pkgs-dependent defaults see here: meta.nixpkgs defaults to pkgs.
      unset = { fleetNixpkgsUnset = true; };
      nixpkgs = (lib.evalModules {
        modules = [ ../fleet/module.nix module ];
        specialArgs = {
          pkgs = unset;
          system = null;
          fleetNixpkgsPath = null;
          fleetModules.deployment = ../fleet/deployment.nix;
        };
      }).config.meta.nixpkgs;
    in
    if builtins.isAttrs nixpkgs && nixpkgs ? fleetNixpkgsUnset then throw ''
      fleet (flake-parts module): set fleet.meta.nixpkgs, the nixpkgs the nodes are built with,
      e.g. `fleet.meta.nixpkgs = inputs.nixpkgs.legacyPackages.x86_64-linux;` or a nixpkgs source path.
    ''
    else nixpkgs;

  evaluate = module:
    let
      nixpkgs = nixpkgsOf module;
      # The module as a flake output: meta.nixpkgs at its top, where fleet's eval.nix looks for
      # it (mkForce: the definition the modules made gives the same value).
      exported = {
        _file = "${toString moduleLocation}#fleet";
        meta.nixpkgs = lib.mkForce nixpkgs;
        imports = [ module ];
      };
      system = if builtins.isAttrs nixpkgs && nixpkgs ? lib
        then nixpkgs.system or nixpkgs.stdenv.hostPlatform.system
        else builtins.currentSystem;
    in
    import ../fleet/eval.nix { entry = exported; inherit nixpkgs system; } // { module = exported; };
in
{
  options = {
    fleet = mkOption {
      type = types.deferredModule;
      default = { };
      apply = evaluate;
      description = ''
        The fleet: a fleet module, as in a fleet.nix (`meta`, `nodes`, `evaluatedNodes`, `defaults`,
        `resources`, `providers`). Other modules read the evaluated fleet here:
        `config.fleet.resourceGraph`, `config.fleet.nodes.<name>` (each node's NixOS
        configuration), `config.fleet.config` (every fleet option), `config.fleet.module` (the
        module, as `flake.fleet` exports it).
      '';
    };

    flake = mkOption {
      type = types.submoduleWith {
        modules = [{
          options.fleet = mkOption {
            type = types.raw;
            readOnly = true;
            description = "The fleet module, for fleet's command line (`fleet apply -f .` reads `outputs.fleet`).";
          };
        }];
      };
    };
  };

  config.flake.fleet = config.fleet.module;
}
