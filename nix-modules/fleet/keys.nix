# deployment.keys: Colmena's (and NixOps') keys, with their meaning kept.
# Each key becomes a `secret.file` resource `node.<name>.key.<key>` (see secret-resource.nix):
# the same destination (destDir/name), owner, group, mode and upload time as Colmena gives it,
# and, as there, the content never enters a Nix store. The node gets Colmena's `<key>-key.service`
# for services to order themselves after (`wants`/`after`): a path unit starts it once the file
# exists, and it stays active while the file does.
{ config, lib, ... }:
let
  inherit (lib) mkOption types;
  d = config.deployment;

  keyType = types.submodule ({ name, config, ... }: {
    options = {
      name = mkOption {
        type = types.str;
        default = name;
        description = "File name of the key in `destDir`.";
      };
      text = mkOption {
        type = types.nullOr types.str;
        default = null;
        description = "The key's content. Give one of text, keyFile, keyCommand.";
      };
      keyFile = mkOption {
        type = types.nullOr (types.either types.str types.path);
        default = null;
        apply = v: if v == null then null else toString v;
        description = "A file on the deployer holding the key, read when fleet applies (a Nix path is used by its name, never copied into the store).";
      };
      keyCommand = mkOption {
        type = types.nullOr (types.addCheck (types.listOf types.str) (l: l != [ ]));
        default = null;
        example = [ "pass" "show" "db/password" ];
        description = "An argv run on the deployer; its standard output is the key.";
      };
      destDir = mkOption {
        type = types.path;
        default = "/run/keys";
        description = "Directory on the node the key goes to; created if missing.";
      };
      path = mkOption {
        type = types.path;
        readOnly = true;
        description = "Where the key is on the node: `destDir/name` (read-only).";
      };
      user = mkOption { type = types.str; default = "root"; description = "The user owning the key file."; };
      group = mkOption { type = types.str; default = "root"; description = "The group owning the key file."; };
      permissions = mkOption {
        type = types.strMatching "[0-7]{3,4}";
        default = "0600";
        description = "The key file's mode, octal.";
      };
      uploadAt = mkOption {
        type = types.enum [ "pre-activation" "post-activation" ];
        default = "pre-activation";
        description = "Upload the key before the node's activation (so services find it when they start) or after it succeeded.";
      };
    };
    config.path = "${config.destDir}/${config.name}";
  });

  sources = k: lib.count (v: v != null) [ k.text k.keyFile k.keyCommand ];

  asSecret = k: {
    inherit (k) text group;
    file = k.keyFile;
    command = k.keyCommand;
    destination = k.path;
    owner = k.user;
    mode = k.permissions;
    upload = if k.uploadAt == "pre-activation" then "before-activation" else "after-activation";
    restartUnits = [ ];
  };

  # `node` ({ name, connection }) comes from fleet: a cooked configuration does not know its name.
  secretResource = node: import ./secret-resource.nix { inherit lib; } node.connection;

  # Waits run by the key's service. They poll once a second rather than use inotify, so the node
  # needs nothing beyond bash and coreutils for them.
  waitFor = path: ''
    until [ -e ${lib.escapeShellArg path} ]; do sleep 1; done
  '';
  waitWhile = path: ''
    while [ -e ${lib.escapeShellArg path} ]; do sleep 1; done
  '';
in
{
  options.deployment.keys = mkOption {
    type = types.attrsOf keyType;
    default = { };
    description = ''
      Colmena's keys: files uploaded to this node without entering a Nix store (as fleet's
      deployment.secrets are), each the resource `node.<name>.key.<key>`, with a
      `<key>-key.service` on the node that is active while the file exists.
    '';
  };

  config = {
    assertions = lib.mapAttrsToList (key: k: {
      assertion = sources k == 1;
      message = "deployment.keys.${key}: give exactly one of `text`, `keyFile` and `keyCommand`.";
    }) d.keys;

    deployment.nodeResources = node: lib.mapAttrs' (key: k: lib.nameValuePair "key.${key}" (secretResource node key (asSecret k))) d.keys;

    # What NixOS services order themselves after: the path unit starts `<key>-key.service` once
    # the file exists; the service waits (start-pre) until it does, is active while it does, and
    # ends when it is deleted, to be restarted and wait again.
    systemd.paths = lib.mapAttrs' (key: k: lib.nameValuePair "${key}-key" {
      wantedBy = [ "paths.target" ];
      pathConfig.PathExists = k.path;
    }) d.keys;

    systemd.services = lib.mapAttrs' (key: k: lib.nameValuePair "${key}-key" {
      description = "fleet key ${k.path}";
      serviceConfig = {
        TimeoutStartSec = "infinity";
        Restart = "always";
        RestartSec = "100ms";
      };
      preStart = waitFor k.path;
      script = waitWhile k.path;
    }) d.keys;
  };
}
