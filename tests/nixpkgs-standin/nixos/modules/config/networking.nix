# STAND-IN (nixpkgs stand-in, not NixOS): networking.hostName (written to /etc/hostname, as NixOS
# does) and the firewall options, which are accepted and ignored (test nodes have no firewall).
{ config, lib, ... }:
let
  inherit (lib) mkOption types;
  ignored = type: default: mkOption { inherit type default; description = "Accepted and ignored by the nixpkgs stand-in."; };
  portType = types.port or (types.ints.u16 or types.int);
in
{
  options.networking = {
    hostName = mkOption {
      type = types.str;
      default = "nixos";
      description = "The machine's host name; part of the toplevel's name and written to /etc/hostname.";
    };
    domain = ignored (types.nullOr types.str) null;
    useDHCP = ignored types.bool true;
    interfaces = ignored (types.attrsOf (types.attrsOf types.anything)) { };
    nameservers = ignored (types.listOf types.str) [ ];
    extraHosts = ignored types.lines "";
    firewall = {
      enable = ignored types.bool true;
      allowedTCPPorts = ignored (types.listOf portType) [ ];
      allowedUDPPorts = ignored (types.listOf portType) [ ];
      allowedTCPPortRanges = ignored (types.listOf (types.attrsOf portType)) [ ];
      allowedUDPPortRanges = ignored (types.listOf (types.attrsOf portType)) [ ];
      allowPing = ignored types.bool true;
      trustedInterfaces = ignored (types.listOf types.str) [ ];
      extraCommands = ignored types.lines "";
    };
  };

  config.environment.etc.hostname.text = config.networking.hostName + "\n";
}
