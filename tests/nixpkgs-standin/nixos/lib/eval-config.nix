# STAND-IN for nixpkgs' nixos/lib/eval-config.nix -- NOT NixOS.
#
# Evaluates NixOS-style modules against the small set of NixOS options that the stand-in declares
# (../modules/module-list.nix) with the stand-in lib (../../lib). config.system.build.toplevel is a
# real derivation, built by the host's /bin/sh, whose bin/switch-to-configuration writes /etc
# files, creates users and starts/stops services as plain processes (no systemd). Test use only.
{ system ? builtins.currentSystem
, modules
, specialArgs ? { }
, pkgs ? null
, lib ? import ../../lib
, baseModules ? import ../modules/module-list.nix
, extraModules ? [ ]
, prefix ? [ ]
, ...
}:
let
  standinPkgs = if pkgs != null then pkgs else import ../.. { inherit system; };
  modulesPath = ../modules;

  pkgsModule = {
    _file = ./eval-config.nix;
    key = ./eval-config.nix;
    config._module.args.pkgs = standinPkgs;
    config._module.args.baseModules = baseModules;
    config._module.args.extraModules = extraModules;
    config._module.args.modules = modules;
  };

  evaluated = lib.evalModules {
    inherit prefix;
    modules = baseModules ++ extraModules ++ [ pkgsModule ] ++ modules;
    specialArgs = { inherit lib modulesPath; } // specialArgs;
  };
in
evaluated // {
  pkgs = evaluated.config._module.args.pkgs;
}
