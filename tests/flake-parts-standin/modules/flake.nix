# STAND-IN for flake-parts' modules/flake.nix (NOT flake-parts): `flake`, the flake's outputs, a
# submodule whose undeclared attributes are free-form (each defined once), and `processedFlake`,
# what mkFlake returns (`flake` itself unless defined; here a default, where flake-parts uses an
# `apply` that asks whether the option is defined).
{ config, lib, ... }:
let
  inherit (lib) mkOption types;
in
{
  options = {
    flake = mkOption {
      type = types.submoduleWith {
        modules = [{
          freeformType = types.lazyAttrsOf (types.unique {
            message = "No option has been declared for this flake output attribute, so its definitions can't be merged automatically (flake-parts stand-in).";
          } types.raw);
        }];
      };
      description = "Raw flake output attributes; some are options, for merging.";
    };
    processedFlake = mkOption {
      type = types.raw;
      default = config.flake;
      description = "The flake's outputs as mkFlake returns them.";
    };
  };
}
