# NixOS module declaring how fleet reaches and deploys a node (`deployment.*`).
# Imported into every node's evaluation by the fleet module.
{ lib, name ? null, ... }:
let
  inherit (lib) mkOption types;
in
{
  options.deployment = {
    targetHost = mkOption {
      type = types.nullOr types.str;
      default = name;
      description = "Host name or address fleet connects to over SSH; defaults to the node's name.";
    };
    targetPort = mkOption {
      type = types.nullOr types.port;
      default = null;
      description = "SSH port; null means the SSH client's default (22 or ~/.ssh/config).";
    };
    targetUser = mkOption {
      type = types.str;
      default = "root";
      description = "User fleet logs in as; privileged steps go through sudo when it is not root.";
    };
    sshOptions = mkOption {
      type = types.listOf types.str;
      default = [ ];
      description = "Extra arguments for the OpenSSH client, e.g. [ \"-o\" \"ProxyJump=bastion\" ].";
    };
    tags = mkOption {
      type = types.listOf types.str;
      default = [ ];
      description = "Tags for selecting nodes with `--on @tag`.";
    };
  };
}
