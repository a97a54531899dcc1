# STAND-IN (nixpkgs stand-in, not NixOS): users.users and users.groups.
# Activation ("users" snippet, ./update-users-groups.sh) ADDS missing groups and users to the
# node's /etc/group, /etc/passwd and /etc/shadow and adds missing group members; unlike NixOS it
# never removes or rewrites existing entries. Authorized SSH keys go to
# /etc/ssh/authorized_keys.d/<user>, as in NixOS (the node's sshd must look there).
{ config, lib, pkgs, ... }:
let
  inherit (lib) mkOption mkIf mkDefault types;
  q = s: "'" + builtins.replaceStrings [ "'" ] [ "'\\''" ] (toString s) + "'";

  userModule = { name, config, ... }: {
    options = {
      name = mkOption { type = types.str; default = name; description = "User name."; };
      uid = mkOption { type = types.nullOr types.int; default = null; description = "Fixed uid; null allocates one on activation."; };
      isSystemUser = mkOption { type = types.bool; default = false; description = "System user (uid below 1000, no home by default)."; };
      isNormalUser = mkOption { type = types.bool; default = false; description = "Normal user: group users, home /home/<name>, created."; };
      group = mkOption { type = types.str; default = ""; description = "Primary group."; };
      extraGroups = mkOption { type = types.listOf types.str; default = [ ]; description = "Supplementary groups."; };
      description = mkOption { type = types.str; default = ""; description = "GECOS field."; };
      home = mkOption { type = types.str; default = "/var/empty"; description = "Home directory."; };
      homeMode = mkOption { type = types.str; default = "700"; description = "Mode of a created home."; };
      createHome = mkOption { type = types.bool; default = false; description = "Create the home directory on activation."; };
      shell = mkOption {
        type = types.nullOr (types.either types.package types.str);
        default = null;
        description = "Login shell: a package with passthru shellPath, or a path. null: /usr/sbin/nologin for system users, /bin/bash otherwise (host paths).";
      };
      hashedPassword = mkOption { type = types.nullOr types.str; default = null; description = "crypt(3) hash for /etc/shadow; null locks the password."; };
      initialHashedPassword = mkOption { type = types.nullOr types.str; default = null; description = "Used if hashedPassword is null."; };
      packages = mkOption { type = types.listOf types.package; default = [ ]; description = "Added to environment.systemPackages by the stand-in."; };
      linger = mkOption { type = types.bool; default = false; description = "Accepted and ignored."; };
      openssh.authorizedKeys = {
        keys = mkOption { type = types.listOf types.str; default = [ ]; description = "Public keys written to /etc/ssh/authorized_keys.d/<name>."; };
        keyFiles = mkOption { type = types.listOf types.path; default = [ ]; description = "Files whose keys are added too."; };
      };
    };
    config = mkIf config.isNormalUser {
      group = mkDefault "users";
      createHome = mkDefault true;
      home = mkDefault "/home/${config.name}";
    };
  };

  groupModule = { name, ... }: {
    options = {
      name = mkOption { type = types.str; default = name; description = "Group name."; };
      gid = mkOption { type = types.nullOr types.int; default = null; description = "Fixed gid; null allocates one."; };
      members = mkOption { type = types.listOf types.str; default = [ ]; description = "Members besides users listing it in extraGroups."; };
    };
  };

  users = builtins.attrValues config.users.users;
  groups = builtins.attrValues config.users.groups;

  shellOf = u:
    if u.shell == null then (if u.isNormalUser then "/bin/bash" else "/usr/sbin/nologin")
    else if builtins.isAttrs u.shell then "${u.shell}${u.shell.shellPath or "/bin/sh"}"
    else toString u.shell;

  membersOf = g:
    g.members ++ map (u: u.name) (builtins.filter (u: builtins.elem g.name u.extraGroups) users);

  bool = b: if b then "1" else "0";
  optStr = v: if v == null then "" else toString v;

  keysOf = u: u.openssh.authorizedKeys.keys
    ++ map (f: builtins.readFile f) u.openssh.authorizedKeys.keyFiles;
  usersWithKeys = builtins.filter (u: keysOf u != [ ]) users;
in
{
  options.users = {
    users = mkOption {
      type = types.attrsOf (types.submodule userModule);
      default = { };
      description = "User accounts.";
    };
    groups = mkOption {
      type = types.attrsOf (types.submodule groupModule);
      default = { };
      description = "Groups.";
    };
    mutableUsers = mkOption { type = types.bool; default = true; description = "Accepted and ignored (the stand-in only adds entries)."; };
  };

  config = {
    users.users.root = {
      uid = 0;
      description = "System administrator";
      home = "/root";
      group = "root";
      shell = mkDefault "/bin/bash";
    };
    users.users.nobody = {
      uid = 65534;
      isSystemUser = true;
      description = "Unprivileged account (don't use!)";
      group = "nogroup";
    };
    users.groups = {
      root.gid = 0;
      wheel = { };
      users.gid = 100;
      nogroup.gid = 65534;
    };

    assertions = builtins.concatMap
      (u: [
        {
          assertion = (u.isSystemUser || (u.uid != null && u.uid < 1000)) != u.isNormalUser;
          message = "Exactly one of users.users.${u.name}.isSystemUser and users.users.${u.name}.isNormalUser must be set.";
        }
        {
          assertion = u.group != "";
          message = "users.users.${u.name}.group is unset.";
        }
        {
          assertion = builtins.hasAttr u.group config.users.groups || u.group == "";
          message = "users.users.${u.name}.group = \"${u.group}\" is not declared in users.groups.";
        }
      ])
      users;

    environment.systemPackages = builtins.concatMap (u: u.packages) users;

    environment.etc = builtins.listToAttrs (map
      (u: {
        name = "ssh/authorized_keys.d/${u.name}";
        value = { mode = "0444"; text = builtins.concatStringsSep "\n" (keysOf u) + "\n"; };
      })
      usersWithKeys);

    system.activationScripts.users = {
      deps = [ ];
      text = ''
        . ${./update-users-groups.sh}
      '' + builtins.concatStringsSep "" (map
        (g: "standin_ensure_group ${q g.name} ${q (optStr g.gid)} ${q (builtins.concatStringsSep "," (membersOf g))}\n")
        groups)
      + builtins.concatStringsSep "" (map
        (u: "standin_ensure_user ${q u.name} ${q (optStr u.uid)} ${q u.group} ${q u.description} ${q u.home} ${q (shellOf u)} "
          + "${bool (u.isSystemUser || (u.uid != null && u.uid < 1000))} ${bool u.createHome} ${q u.homeMode} "
          + "${q (if u.hashedPassword != null then u.hashedPassword else if u.initialHashedPassword != null then u.initialHashedPassword else "!")}\n")
        users);
    };
  };
}
