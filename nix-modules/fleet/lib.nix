# Evaluates fleet modules with the lib.evalModules of the nixpkgs the user gives.
# Usable from other module trees (flake-parts, Terranix-style setups): pass `pkgs` and modules.
{ pkgs, modules, system ? pkgs.system or builtins.currentSystem, specialArgs ? { }, nixpkgsPath ? pkgs.path or null }:
let
  fleet = pkgs.lib.evalModules {
    modules = [ ./module.nix ] ++ modules;
    specialArgs = {
      inherit pkgs system;
      fleetNixpkgsPath = nixpkgsPath;
      # For "cooked" nodes evaluated by the user, who may import fleetModules.deployment into them.
      fleetModules = { deployment = ./deployment.nix; };
    } // specialArgs;
  };
in
{
  inherit (fleet) config options;
  resourceGraph = fleet.config.resourceGraph;
  nodes = fleet.config.nodeConfigurations;
}
