# STAND-IN for flake-parts' extras/flakeModules.nix (NOT flake-parts): `flake.flakeModules`, the
# flake-parts modules a flake gives to others (imported with flake-parts.flakeModules.flakeModules).
{ lib, moduleLocation, ... }:
{
  options.flake = lib.mkOption {
    type = lib.types.submoduleWith {
      modules = [{
        options.flakeModules = lib.mkOption {
          type = lib.types.lazyAttrsOf lib.types.deferredModule;
          default = { };
          apply = lib.mapAttrs (k: v: {
            _class = "flake";
            _file = "${toString moduleLocation}#flakeModules.${k}";
            key = "${toString moduleLocation}#flakeModules.${k}";
            imports = [ v ];
          });
          description = "flake-parts modules for other flakes; one module is `flakeModules.default`.";
        };
      }];
    };
  };
}
