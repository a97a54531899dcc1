# STAND-IN (nixpkgs stand-in, not NixOS): options that real-looking configurations set but that
# mean nothing without a kernel, bootloader or disks. They are declared with NixOS' names so such
# configurations evaluate; their values are ignored. Options not declared anywhere still fail.
{ lib, ... }:
let
  inherit (lib) mkOption types;
  ignored = type: default: mkOption { inherit type default; description = "Accepted and ignored by the nixpkgs stand-in."; };
  free = ignored (types.attrsOf types.anything) { };
in
{
  options = {
    boot.loader.grub = {
      enable = ignored types.bool true;
      device = ignored types.str "";
      devices = ignored (types.listOf types.str) [ ];
      efiSupport = ignored types.bool false;
      efiInstallAsRemovable = ignored types.bool false;
    };
    boot.loader.systemd-boot.enable = ignored types.bool false;
    boot.loader.efi = {
      canTouchEfiVariables = ignored types.bool false;
      efiSysMountPoint = ignored types.str "/boot";
    };
    boot.loader.timeout = ignored (types.nullOr types.int) 5;
    boot.kernelParams = ignored (types.listOf types.str) [ ];
    boot.extraModulePackages = ignored (types.listOf types.unspecified) [ ];
    boot.isContainer = ignored types.bool false;
    boot.kernel.sysctl = free;
    fileSystems = ignored (types.attrsOf (types.attrsOf types.anything)) { };
    swapDevices = ignored (types.listOf (types.attrsOf types.anything)) [ ];
    time.timeZone = ignored (types.nullOr types.str) null;
    i18n.defaultLocale = ignored types.str "en_US.UTF-8";
    console.keyMap = ignored types.str "us";
    hardware.enableRedistributableFirmware = ignored types.bool false;
    hardware.enableAllFirmware = ignored types.bool false;
    hardware.cpu = free;
    powerManagement = free;
    documentation = free;
    programs = free;
    virtualisation = free;
    zramSwap = free;
  };
}
