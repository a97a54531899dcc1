# deployment.secrets: files uploaded to the node without entering any Nix store.
# Each secret becomes a `secret.file` resource `node.<name>.secret.<key>`: uploaded before the
# node's activation (the system waits for it) or after it (it waits for the system). The content
# is never part of a derivation: `text` is a sensitive input (fleet keeps only a keyed hash of it),
# `file` is a path read on the deployer at apply time (toString: a path is never copied into the
# store), `command` runs on the deployer and its standard output is the content.
{ config, lib, ... }:
let
  inherit (lib) mkOption types;
  d = config.deployment;

  secretType = types.submodule ({ name, ... }: {
    options = {
      text = mkOption {
        type = types.nullOr types.str;
        default = null;
        description = "The content itself. Masked in plans and kept in fleet's state only as a keyed hash. Give one of text, file, command.";
      };
      file = mkOption {
        type = types.nullOr (types.either types.str types.path);
        default = null;
        example = "/home/me/secrets/db-password";
        description = ''
          A file on the deployer holding the content, read when fleet applies. A Nix path
          (`./db-password`) is used by its name only and never copied into the Nix store.
        '';
      };
      command = mkOption {
        type = types.nullOr (types.listOf types.str);
        default = null;
        example = [ "pass" "show" "db/password" ];
        description = "An argv run on the deployer (at plan and apply); its standard output is the content.";
      };
      destination = mkOption {
        type = types.str;
        default = "/run/keys/${name}";
        description = "Where the file goes on the node; missing directories are created.";
      };
      owner = mkOption { type = types.str; default = "root"; description = "The file's owner (a user the node has, or one this deployment creates)."; };
      group = mkOption { type = types.str; default = "root"; description = "The file's group."; };
      mode = mkOption { type = types.strMatching "[0-7]{3,4}"; default = "0400"; description = "The file's mode, octal."; };
      upload = mkOption {
        type = types.enum [ "before-activation" "after-activation" ];
        default = "before-activation";
        description = ''
          When the file is uploaded: before the node's activation (the default, so services find
          it when they start; an owner the activation creates gets the file right after
          switch-to-configuration), or after it.
        '';
      };
      restartUnits = mkOption {
        type = types.listOf types.str;
        default = [ ];
        example = [ "nginx.service" ];
        description = "Units restarted (if running) after the file was uploaded.";
      };
    };
  });

  sources = s: lib.count (v: v != null) [ s.text s.file s.command ];

  # `node` ({ name, connection }) comes from fleet: a cooked configuration does not know its name.
  secretResource = node: import ./secret-resource.nix { inherit lib; } node.connection;
in
{
  options.deployment.secrets = mkOption {
    type = types.attrsOf secretType;
    default = { };
    description = ''
      Files uploaded to this node over SSH (on the agent's standard input) without ever entering
      a Nix store, an argv, a log or fleet's state; each becomes the resource
      `node.<name>.secret.<key>` of type `secret.file`.
    '';
  };

  config = {
    assertions = lib.mapAttrsToList (key: s: {
      assertion = sources s == 1;
      message = "deployment.secrets.${key}: give exactly one of `text`, `file` and `command`.";
    }) d.secrets;

    deployment.nodeResources = node: lib.mapAttrs' (key: s: lib.nameValuePair "secret.${key}" (secretResource node key s)) d.secrets;
  };
}
