# STAND-IN (nixpkgs stand-in, not NixOS): system.stateVersion and system.nixos.*.
{ config, lib, ... }:
let
  cfg = config.system.nixos;
in
{
  options.system = {
    stateVersion = lib.mkOption {
      type = lib.types.str;
      default = cfg.release;
      description = "The NixOS release whose stateful defaults this machine keeps (accepted, unused).";
    };
    nixos = {
      release = lib.mkOption {
        type = lib.types.str;
        default = "25.05";
        readOnly = true;
        description = "The NixOS release the stand-in imitates.";
      };
      versionSuffix = lib.mkOption {
        type = lib.types.str;
        default = ".standin";
        description = "Suffix of system.nixos.version; `.standin` marks stand-in systems.";
      };
      version = lib.mkOption {
        type = lib.types.str;
        default = cfg.release + cfg.versionSuffix;
        description = "The full version string, written to the toplevel's nixos-version.";
      };
      label = lib.mkOption {
        type = lib.types.str;
        default = cfg.version;
        description = "Label used in the toplevel's store path name.";
      };
      codeName = lib.mkOption {
        type = lib.types.str;
        default = "Standin";
        readOnly = true;
        description = "Release code name.";
      };
    };
  };
}
