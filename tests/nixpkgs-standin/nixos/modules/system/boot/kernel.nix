# STAND-IN (nixpkgs stand-in, not NixOS): boot.kernelPackages, the kernel modules options and
# what the toplevel links as `kernel`, `initrd` and `kernel-modules`. Nothing here boots: they
# are small labelled files (../../../../pkgs/kernels.nix), there so that changing the kernel or
# the initrd's modules changes those links, as on NixOS, where it means a reboot is needed.
{ config, lib, pkgs, ... }:
let
  inherit (lib) mkOption types;
  cfg = config.boot;
  kernel = cfg.kernelPackages.kernel;
in
{
  options.boot = {
    kernelPackages = mkOption {
      type = types.unspecified;
      default = pkgs.linuxPackages;
      description = "The kernel's package set (stand-in: `pkgs.linuxPackages` 6.6.1, `pkgs.linuxPackages_latest` 6.7.2, `pkgs.linuxPackagesFor (pkgs.linux.override { version = ...; })`).";
    };
    kernelModules = mkOption { type = types.listOf types.str; default = [ ]; description = "Listed in the stand-in's kernel-modules tree."; };
    initrd.availableKernelModules = mkOption { type = types.listOf types.str; default = [ ]; description = "Listed in the stand-in's initrd."; };
    initrd.kernelModules = mkOption { type = types.listOf types.str; default = [ ]; description = "Listed in the stand-in's initrd."; };
  };

  config.system.build = {
    inherit kernel;
    initialRamdisk = pkgs.runCommand "initrd-linux-${kernel.version}-standin"
      {
        kernelVersion = kernel.version;
        modules = builtins.concatStringsSep " " (cfg.initrd.availableKernelModules ++ cfg.initrd.kernelModules);
      }
      ''
        mkdir -p "$out"
        printf 'STAND-IN initrd for linux %s (tests/nixpkgs-standin), modules: %s\n' "$kernelVersion" "$modules" >"$out/initrd"
      '';
    modulesTree = pkgs.runCommand "kernel-modules-standin"
      {
        modDirVersion = kernel.modDirVersion;
        modules = builtins.concatStringsSep "\n" cfg.kernelModules;
      }
      ''
        mkdir -p "$out/lib/modules/$modDirVersion"
        printf 'STAND-IN kernel modules of linux %s (tests/nixpkgs-standin); loaded at boot:\n%s\n' "$modDirVersion" "$modules" >"$out/lib/modules/$modDirVersion/modules.standin"
      '';
  };
}
