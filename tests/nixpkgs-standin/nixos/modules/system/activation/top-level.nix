# STAND-IN (nixpkgs stand-in, not NixOS): system.build.toplevel, a real derivation built by the
# host's /bin/sh (no stdenv; sandbox off). Its layout:
#   nixos-version, system, standin        version, platform, and a marker saying "stand-in"
#   activate, dry-activate                the activation scripts (../activation-script.nix)
#   bin/switch-to-configuration           switch | boot | test | dry-activate
#   init                                  boots the system on a fresh /run (../boot/stage-2-init.sh)
#   kernel, initrd, kernel-modules        links to the stand-in kernel's files (../boot/kernel.nix)
#   etc/<target>                          links to the environment.etc sources
#   etc-entries                           MODE<TAB>USER<TAB>GROUP<TAB>TARGET per /etc file
#   sw/bin/                               environment.systemPackages (+ stand-in systemctl)
#   units/<name>                          links to unit directories (../../boot/systemd.nix)
#   units.json, unit-order                units description; start order (one name a line)
{ config, lib, pkgs, ... }:
let
  inherit (lib) mkOption types;
  b = config.system.build;

  failed = map (a: a.message) (builtins.filter (a: !a.assertion) config.assertions);
  checked = drv:
    if failed != [ ] then throw "\nFailed assertions:\n${builtins.concatStringsSep "\n" (map (m: "- ${m}") failed)}"
    else builtins.foldl' (acc: w: builtins.trace "warning: ${w}" acc) drv config.warnings;

  tab = "\t";
  etcLines = builtins.concatStringsSep "" (map
    (e: "${e.mode}${tab}${e.user}${tab}${e.group}${tab}${e.target}${tab}${e.source}\n")
    b.etcEntries);
  unitLines = builtins.concatStringsSep "" (map (n: "${n}${tab}${b.units.${n}}\n") (builtins.attrNames b.units));

  storeSafe = s: builtins.replaceStrings [ " " "/" ] [ "-" "-" ] s;

  toplevel = derivation {
    name = "nixos-system-${storeSafe config.system.name}-${storeSafe config.system.nixos.label}";
    system = builtins.currentSystem;
    builder = "/bin/sh";
    args = [ "-e" ./toplevel-builder.sh ];
    PATH = "/usr/bin:/bin";
    nixosVersion = config.system.nixos.version;
    targetSystem = pkgs.system or builtins.currentSystem;
    switchScript = ./switch-to-configuration.sh;
    initScript = ../boot/stage-2-init.sh;
    unitsLib = "${b.standinTools}/lib/standin-units.sh";
    kernel = "${b.kernel}/bzImage";
    initrd = "${b.initialRamdisk}/initrd";
    kernelModules = b.modulesTree;
    swPaths = config.environment.systemPackages;
    activate = b.activate;
    dryActivate = b.dryActivate;
    inherit etcLines unitLines;
    unitsJson = b.unitsJson;
    unitOrder = builtins.concatStringsSep "\n" b.unitOrder + "\n";
    extraCmds = config.system.extraSystemBuilderCmds;
    passAsFile = [ "activate" "dryActivate" "etcLines" "unitLines" "unitsJson" "unitOrder" "extraCmds" ];
  };
in
{
  options.system = {
    build = mkOption {
      type = (types.lazyAttrsOf or types.attrsOf) types.unspecified;
      default = { };
      description = "Derivations and values built from the configuration; toplevel is the system.";
    };
    name = mkOption {
      type = types.str;
      default = if config.networking.hostName == "" then "unnamed" else config.networking.hostName;
      description = "Name used in the toplevel's store path.";
    };
    extraSystemBuilderCmds = mkOption {
      type = types.lines;
      default = "";
      description = "Shell run at the end of the toplevel's builder ($out is the system).";
    };
  };

  config.system.build.toplevel = checked toplevel;
}
