# services.fleet-deploy-user: a system user fleet deploys as (`deployment.targetUser`), so
# nobody has to type a sudo password after the first deployment. Its sudo rule lets it run the
# fleet agent as root without a password, and nothing else; the node's nix-daemon trusts it, so
# it can copy closures. See docs/user-guide.md, "Deploy user and sudo".
#
# Which agent? The deployer copies the agent's store path with every system closure, so its
# path changes with each fleet version. By default the rule allows any
# /nix/store/*-fleet-agent/bin/fleet-agent. Only root and the nix-daemon write the store, but the
# daemon adds paths for every allowed user (and this user is trusted), so a store path with that
# name is no proof that fleet put it there: the rule makes the agent the only door to root for
# this user, it does not make the user less than root. That is inherent, not an accident: a user
# that may copy and activate whole systems can make any of them run anything as root. Set
# `agentPackage` to pin the rule to one exact agent instead (the deployer must then send that
# very store path).
{ config, lib, pkgs, ... }:

let
  inherit (lib) mkEnableOption mkIf mkOption types literalExpression;
  cfg = config.services.fleet-deploy-user;

  agentCommand =
    if cfg.agentPackage == null
    then "/nix/store/*-fleet-agent/bin/fleet-agent"
    else "${cfg.agentPackage}/bin/fleet-agent";
in
{
  options.services.fleet-deploy-user = {
    enable = mkEnableOption "a deploy user for fleet, allowed to run the fleet agent as root without a password";

    name = mkOption {
      type = types.str;
      default = "fleet-deploy";
      description = "Name of the deploy user (and of its group). Point `deployment.targetUser` at it.";
    };

    authorizedKeys = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI... deployer@laptop" ];
      description = "SSH public keys allowed to log in as the deploy user (the deployers' keys).";
    };

    agentPackage = mkOption {
      type = types.nullOr types.package;
      default = null;
      example = literalExpression "fleet.packages.\${pkgs.system}.fleet-agent";
      description = ''
        Pin the sudo rule to this agent (`bin/fleet-agent`). null allows any store path named
        `*-fleet-agent`, which is what fleet copies with each deployment.
      '';
    };
  };

  config = mkIf cfg.enable {
    users.groups.${cfg.name} = { };

    users.users.${cfg.name} = {
      isSystemUser = true;
      group = cfg.name;
      description = "fleet deployments";
      home = "/var/lib/${cfg.name}";
      createHome = true;
      # fleet runs commands over SSH, so the user needs a real shell.
      shell = pkgs.bashInteractive;
      openssh.authorizedKeys.keys = cfg.authorizedKeys;
    };

    security.sudo.extraRules = [
      {
        users = [ cfg.name ];
        runAs = "root";
        commands = [{ command = agentCommand; options = [ "NOPASSWD" ]; }];
      }
    ];

    # Copying closures as a non-root user goes through the nix-daemon, which accepts unsigned
    # paths only from trusted users. A definition replaces NixOS' default [ "root" ], so root
    # is listed again.
    nix.settings.trusted-users = [ "root" cfg.name ];
  };
}
