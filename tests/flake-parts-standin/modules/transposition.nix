# STAND-IN for flake-parts' modules/transposition.nix (NOT flake-parts): `transposition.<name>`
# makes flake.<name>.<system> = (perSystem system).<name>.
{ config, lib, ... }:
{
  options.transposition = lib.mkOption {
    type = lib.types.lazyAttrsOf (lib.types.submodule { });
    default = { };
    description = "perSystem attributes given in the flake outputs by system.";
  };
  config.flake = lib.mapAttrs
    (name: _: lib.mapAttrs (_: perSystem: perSystem.${name}) config.allSystems)
    config.transposition;
}
