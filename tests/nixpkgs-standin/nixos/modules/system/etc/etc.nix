# STAND-IN (nixpkgs stand-in, not NixOS): environment.etc. As in NixOS, the toplevel's etc/ holds
# a link per enabled entry, /etc/static points at it, and activation ("etc" snippet, ./setup-etc.sh)
# makes /etc/<target> a symlink into /etc/static (mode "symlink") or a copy with the given
# mode/user/group. The managed targets are listed in /etc/.fleet-standin-etc; targets that
# disappear from the configuration are removed on the next activation.
{ config, lib, pkgs, ... }:
let
  inherit (lib) mkOption mkIf mkDefault types;

  etcModule = { name, config, ... }: {
    options = {
      enable = mkOption { type = types.bool; default = true; description = "Whether to create this file."; };
      target = mkOption { type = types.str; default = name; description = "Path relative to /etc."; };
      text = mkOption { type = types.nullOr types.lines; default = null; description = "Contents (alternative to source)."; };
      source = mkOption { type = types.path; description = "File or directory to link or copy."; };
      mode = mkOption { type = types.str; default = "symlink"; description = "\"symlink\", or an octal mode for a copy."; };
      user = mkOption { type = types.str; default = "+0"; description = "Owner of a copy (name or +uid)."; };
      group = mkOption { type = types.str; default = "+0"; description = "Group of a copy (name or +gid)."; };
      uid = mkOption { type = types.int; default = 0; description = "Accepted; use user."; };
      gid = mkOption { type = types.int; default = 0; description = "Accepted; use group."; };
    };
    config.source = mkIf (config.text != null) (mkDefault (pkgs.writeText
      ("etc-" + builtins.replaceStrings [ "/" " " ] [ "-" "-" ] (builtins.baseNameOf name))
      config.text));
  };

  entries = builtins.filter (e: e.enable) (builtins.attrValues config.environment.etc);
in
{
  options.environment.etc = mkOption {
    type = types.attrsOf (types.submodule etcModule);
    default = { };
    description = "Files in /etc.";
  };

  config.system.build.etcEntries = entries;

  config.system.activationScripts.etc = {
    deps = [ "users" ];
    text = ''
      . ${./setup-etc.sh}
      standin_setup_etc "$systemConfig"
    '';
  };
}
