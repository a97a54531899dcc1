# STAND-IN (nixpkgs stand-in, not NixOS): services.openssh is accepted and ignored; a test node's
# sshd is started by the testbed, not by its configuration. Authorized keys ARE honoured: see
# users.users.<name>.openssh.authorizedKeys in ../config/users-groups.nix.
{ lib, ... }:
let
  inherit (lib) mkOption types;
  ignored = type: default: mkOption { inherit type default; description = "Accepted and ignored by the nixpkgs stand-in."; };
in
{
  options.services.openssh = {
    enable = ignored types.bool false;
    ports = ignored (types.listOf types.int) [ 22 ];
    openFirewall = ignored types.bool true;
    settings = ignored (types.attrsOf types.anything) { };
    extraConfig = ignored types.lines "";
    hostKeys = ignored (types.listOf (types.attrsOf types.anything)) [ ];
    authorizedKeysFiles = ignored (types.listOf types.str) [ ];
  };
}
