# STAND-IN (nixpkgs stand-in, not NixOS): systemd.services without systemd.
# Each enabled service becomes a "unit" store path (./unit-builder.sh) holding a bash runner that
# does what systemd would (environment, PATH, User=, State/RuntimeDirectory, ExecStartPre,
# preStart, script or ExecStart, postStart). The toplevel links them under units/<name>;
# switch-to-configuration and the stand-in systemctl (./standin-units.sh) start them as detached
# process groups. A unit's identity is its store path: any change (script, environment,
# serviceConfig, restartTriggers, ...) gives a new path, hence a restart on switch.
{ config, lib, pkgs, ... }:
let
  inherit (lib) mkOption types;

  q = s: "'" + builtins.replaceStrings [ "'" ] [ "'\\''" ] (toString s) + "'";
  listOf' = v: if v == null then [ ] else if builtins.isList v then v else [ v ];

  # systemd's command prefixes ("-" ignore failure, "+", "!", "@", ":"): the stand-in honours "-".
  stripPrefix = c:
    let first = builtins.substring 0 1 c; in
    if builtins.elem first [ "-" "+" "!" "@" ":" ] then stripPrefix (builtins.substring 1 (-1) c) else c;
  ignoresFailure = c: builtins.match "-.*" (builtins.head (builtins.match "([-+!@:]*).*" c)) != null
    || builtins.match ".+-.*" (builtins.head (builtins.match "([-+!@:]*).*" c)) != null;

  storeName = n: builtins.replaceStrings [ "@" "/" " " ":" ] [ "-" "-" "-" "-" ] n;
  unitName = n: let m = builtins.match "(.*)\\.service" n; in if m == null then n else builtins.head m;

  serviceModule = { name, config, ... }: {
    options = {
      enable = mkOption { type = types.bool; default = true; description = "Whether the unit exists."; };
      description = mkOption { type = types.str; default = ""; description = "Unit description."; };
      documentation = mkOption { type = types.listOf types.str; default = [ ]; description = "Accepted and ignored."; };
      script = mkOption { type = types.lines; default = ""; description = "Main process, run by bash -e."; };
      scriptArgs = mkOption { type = types.str; default = ""; description = "Arguments of script."; };
      preStart = mkOption { type = types.lines; default = ""; description = "Run before the main process."; };
      postStart = mkOption { type = types.lines; default = ""; description = "Run after the main process started."; };
      preStop = mkOption { type = types.lines; default = ""; description = "Accepted and ignored."; };
      postStop = mkOption { type = types.lines; default = ""; description = "Accepted and ignored."; };
      reload = mkOption { type = types.lines; default = ""; description = "Run (as root, bash -e) when switch reloads the unit (reloadIfChanged)."; };
      path = mkOption { type = types.listOf (types.either types.package types.str); default = [ ]; description = "Packages whose bin/ and sbin/ go first on PATH."; };
      environment = mkOption { type = types.attrsOf (types.nullOr (types.oneOf [ types.str types.path types.package types.int ])); default = { }; description = "Environment variables."; };
      serviceConfig = mkOption { type = types.attrsOf types.anything; default = { }; description = "[Service] settings; the stand-in honours Type (simple, exec, notify, oneshot), ExecStart, ExecStartPre, ExecStartPost, User, Group, WorkingDirectory, Environment, EnvironmentFile, RemainAfterExit, StateDirectory, RuntimeDirectory, LogsDirectory, CacheDirectory."; };
      unitConfig = mkOption { type = types.attrsOf types.anything; default = { }; description = "Accepted and ignored."; };
      wantedBy = mkOption { type = types.listOf types.str; default = [ ]; description = "Started on switch when non-empty (any target counts)."; };
      requiredBy = mkOption { type = types.listOf types.str; default = [ ]; description = "Like wantedBy."; };
      after = mkOption { type = types.listOf types.str; default = [ ]; description = "Start ordering among services."; };
      before = mkOption { type = types.listOf types.str; default = [ ]; description = "Start ordering among services."; };
      requires = mkOption { type = types.listOf types.str; default = [ ]; description = "Accepted; recorded in units.json."; };
      wants = mkOption { type = types.listOf types.str; default = [ ]; description = "Accepted; recorded in units.json."; };
      bindsTo = mkOption { type = types.listOf types.str; default = [ ]; description = "Accepted and ignored."; };
      partOf = mkOption { type = types.listOf types.str; default = [ ]; description = "Accepted and ignored."; };
      conflicts = mkOption { type = types.listOf types.str; default = [ ]; description = "Accepted and ignored."; };
      onFailure = mkOption { type = types.listOf types.str; default = [ ]; description = "Accepted and ignored."; };
      upholds = mkOption { type = types.listOf types.str; default = [ ]; description = "Accepted and ignored."; };
      restartTriggers = mkOption { type = types.listOf types.unspecified; default = [ ]; description = "Values whose change restarts the unit."; };
      reloadTriggers = mkOption { type = types.listOf types.unspecified; default = [ ]; description = "Treated like restartTriggers."; };
      restartIfChanged = mkOption { type = types.bool; default = true; description = "Restart on switch when the unit changed."; };
      reloadIfChanged = mkOption { type = types.bool; default = false; description = "Reload (run `reload`) instead of restarting the unit when it changed and is active."; };
      stopIfChanged = mkOption { type = types.bool; default = true; description = "Accepted and ignored."; };
      startAt = mkOption { type = types.either types.str (types.listOf types.str); default = [ ]; description = "Accepted and ignored (no timers)."; };
      startLimitBurst = mkOption { type = types.nullOr types.int; default = null; description = "Accepted and ignored."; };
      startLimitIntervalSec = mkOption { type = types.nullOr types.int; default = null; description = "Accepted and ignored."; };
    };
  };

  # Path units with PathExists=, as NixOS' systemd.paths declares them: systemd starts the unit
  # they name (`Unit=`, by default the service of the same name) whenever the path exists and
  # that unit is not running. The stand-in runs each wanted one as a watcher process (a unit
  # named `<name>.path`) that polls the path, taking the switch lock so as not to race a switch
  # (systemd serialises its jobs too). Other path conditions are ignored.
  watchedPaths = lib.filterAttrs
    (_: p: (p.enable or true) && ((p.wantedBy or [ ]) != [ ] || (p.requiredBy or [ ]) != [ ]) && (p.pathConfig or { }) ? PathExists)
    config.systemd.paths;
  pathWatcher = n: p: {
    description = "stand-in watcher of ${n}.path (PathExists=${toString p.pathConfig.PathExists})";
    script = ''
      . ${tools}/lib/standin-units.sh
      target=${q p.pathConfig.PathExists}
      u=$(standin_unit ${q (p.pathConfig.Unit or "${n}.service")})
      while :; do
        if [ -e "$target" ] && [ "$(standin_unit_state "$u")" != active ] && [ -e "/run/current-system/units/$u" ]; then
          (
            flock 8
            if [ "$(standin_unit_state "$u")" != active ]; then
              standin_start_unit "$u" "$(readlink -f "/run/current-system/units/$u")" 8>&- || true
            fi
          ) 8>/run/fleet-standin/switch.lock
        fi
        sleep 0.2
      done
    '';
    scriptArgs = ""; preStart = ""; postStart = "";
    path = [ ]; environment = { }; serviceConfig = { };
    wantedBy = p.wantedBy or [ ]; requiredBy = p.requiredBy or [ ];
    after = [ ]; before = [ ]; requires = [ ]; wants = [ ];
    restartIfChanged = true; restartTriggers = [ ]; reloadTriggers = [ ];
  };

  enabled = lib.filterAttrs (_: s: s.enable) config.systemd.services
    // lib.mapAttrs' (n: p: lib.nameValuePair "${n}.path" (pathWatcher n p)) watchedPaths;
  names = builtins.attrNames enabled;

  mkUnit = name: s:
    let
      sc = s.serviceConfig;
      type = let t = sc.Type or "simple"; in if builtins.elem t [ "oneshot" ] then "oneshot" else "simple";
      remain = (sc.RemainAfterExit or false) == true || sc.RemainAfterExit or false == "yes";
      user = sc.User or null;
      group = sc.Group or null;
      execStart = map toString (listOf' (sc.ExecStart or null));
      pathDirs = builtins.concatMap (p: [ "${p}/bin" "${p}/sbin" ]) s.path
        ++ [ "/run/current-system/sw/bin" "/usr/local/bin" "/usr/bin" "/bin" "/usr/sbin" "/sbin" ];
      envLines = builtins.concatStringsSep "" (map
        (k: if s.environment.${k} == null then "" else "export ${k}=${q s.environment.${k}}\n")
        (builtins.attrNames s.environment));
      scEnv = builtins.concatStringsSep "" (map (e: "export ${q e}\n") (listOf' (sc.Environment or null)));
      envFiles = builtins.concatStringsSep "" (map
        (f: let f' = stripPrefix (toString f); in
          "if [ -r ${q f'} ]; then set -a; . ${q f'}; set +a; ${if f' == toString f then "else echo 'EnvironmentFile ${f'} missing' >&2; exit 1; " else ""}fi\n")
        (listOf' (sc.EnvironmentFile or null)));
      dirs = key: base: var:
        let ds = builtins.concatMap (d: builtins.filter (x: builtins.isString x && x != "") (builtins.split " " (toString d))) (listOf' (sc.${key} or null)); in
        if ds == [ ] then "" else builtins.concatStringsSep "" (map
          (d: "mkdir -p ${q "${base}/${d}"}; if [ -n \"$user\" ]; then chown \"$user:$group\" ${q "${base}/${d}"}; fi\n") ds)
          + "export ${var}=${q (builtins.concatStringsSep ":" (map (d: "${base}/${d}") ds))}\n";
      runCmd = c: if ignoresFailure c
        then "\"\${as_user[@]}\" /bin/bash -c ${q "exec ${stripPrefix c}"} || true\n"
        else "\"\${as_user[@]}\" /bin/bash -c ${q "exec ${stripPrefix c}"} || exit $?\n";
      mainCmds =
        if s.script != "" then [ "/bin/bash -e @out@/script ${s.scriptArgs}" ]
        else execStart;
      hasPost = s.postStart != "" || (sc.ExecStartPost or null) != null;
      main =
        if mainCmds == [ ] then "true\n"
        else if type == "oneshot" || builtins.length mainCmds > 1 then builtins.concatStringsSep "" (map runCmd mainCmds)
        else if hasPost then "\"\${as_user[@]}\" /bin/bash -c ${q "exec ${stripPrefix (builtins.head mainCmds)}"} &\nmain_pid=$!\n"
        else "exec \"\${as_user[@]}\" /bin/bash -c ${q "exec ${stripPrefix (builtins.head mainCmds)}"}\n";
      run = ''
        #!/bin/bash
        # STAND-IN runner of ${name}.service (nixpkgs stand-in; replaces systemd exec'ing the unit).
        export PATH=${q (builtins.concatStringsSep ":" pathDirs)}
        export LANG=C.UTF-8
        ${envLines}${scEnv}${envFiles}
        user=${q (if user == null || user == "root" then "" else user)}
        group=${q (if group == null then "" else group)}
        as_user=()
        if [ -n "$user" ]; then
          if [ -z "$group" ]; then group=$(id -gn "$user") || exit 217; fi
          home=$(awk -F: -v u="$user" '$1 == u { print $6 }' /etc/passwd)
          export HOME="''${home:-/}" USER="$user" LOGNAME="$user"
          as_user=(/usr/bin/setpriv --reuid="$user" --regid="$group" --init-groups --)
        fi
        ${dirs "StateDirectory" "/var/lib" "STATE_DIRECTORY"}${dirs "RuntimeDirectory" "/run" "RUNTIME_DIRECTORY"}${dirs "LogsDirectory" "/var/log" "LOGS_DIRECTORY"}${dirs "CacheDirectory" "/var/cache" "CACHE_DIRECTORY"}
        cd ${q (stripPrefix (toString (sc.WorkingDirectory or "/")))} || exit 200
        ${builtins.concatStringsSep "" (map runCmd (map toString (listOf' (sc.ExecStartPre or null))))}
        ${if s.preStart != "" then "\"\${as_user[@]}\" @out@/pre-start || exit $?" else ""}
        ${main}
        ${if hasPost then builtins.concatStringsSep "" (map runCmd (map toString (listOf' (sc.ExecStartPost or null))))
          + (if s.postStart != "" then "\"\${as_user[@]}\" @out@/post-start || exit $?\n" else "")
          + (if type == "simple" && mainCmds != [ ] && builtins.length mainCmds == 1 then "wait \"$main_pid\"\n" else "")
          else ""}
      '';
      wanted = s.wantedBy != [ ] || s.requiredBy != [ ];
      info = {
        inherit name type wanted;
        inherit (s) description wantedBy requiredBy after before requires wants restartIfChanged;
        remainAfterExit = remain;
        user = if user == null then "root" else user;
      };
    in
    derivation {
      name = "unit-${storeName name}";
      system = builtins.currentSystem;
      builder = "/bin/sh";
      args = [ "-e" ./unit-builder.sh ];
      PATH = "/usr/bin:/bin";
      inherit run;
      script = if s.script != "" then "#!/bin/bash -e\n${s.script}" else "";
      preStart = if s.preStart != "" then "#!/bin/bash -e\n${s.preStart}" else "";
      postStart = if s.postStart != "" then "#!/bin/bash -e\n${s.postStart}" else "";
      reload = if (s.reload or "") != "" then "#!/bin/bash -e\n${s.reload}" else "";
      reloadIfChanged = if s.reloadIfChanged or false then "1" else "";
      unitJson = builtins.toJSON info;
      inherit type;
      description = s.description;
      wanted = if wanted then "1" else "";
      remainAfterExit = if remain then "1" else "";
      restartIfChanged = if s.restartIfChanged then "1" else "";
      triggers = builtins.toJSON (s.restartTriggers ++ s.reloadTriggers);
      passAsFile = [ "run" "script" "preStart" "postStart" "reload" "unitJson" ];
    };

  units = builtins.mapAttrs mkUnit enabled;

  # Start order: a unit after the enabled units it is `after`, or that are `before` it.
  depsOf = n:
    builtins.filter (d: builtins.hasAttr d enabled) (map unitName enabled.${n}.after)
    ++ builtins.filter (m: builtins.elem "${n}.service" enabled.${m}.before || builtins.elem n enabled.${m}.before) names;
  visit = path: done: n:
    if builtins.elem n done || builtins.elem n path then done
    else (builtins.foldl' (visit (path ++ [ n ])) done (depsOf n)) ++ [ n ];
  order = builtins.foldl' (visit [ ]) [ ] names;

  tools = pkgs.runCommand "fleet-standin-systemctl"
    {
      unitsLib = ./standin-units.sh;
      systemctl = ./systemctl.sh;
      journalctl = ./journalctl.sh;
    }
    ''
      mkdir -p "$out/bin" "$out/lib"
      cp "$unitsLib" "$out/lib/standin-units.sh"
      sed "s|@unitsLib@|$out/lib/standin-units.sh|g" "$systemctl" >"$out/bin/systemctl"
      sed "s|@unitsLib@|$out/lib/standin-units.sh|g" "$journalctl" >"$out/bin/journalctl"
      chmod +x "$out/bin/systemctl" "$out/bin/journalctl"
    '';

  tmpfilesText = builtins.concatStringsSep "" (map (r: "standin_tmpfiles_rule ${q r}\n") config.systemd.tmpfiles.rules);
in
{
  options.systemd = {
    services = mkOption {
      type = types.attrsOf (types.submodule serviceModule);
      default = { };
      description = "Services, run as plain process groups by the stand-in.";
    };
    targets = mkOption { type = types.attrsOf types.anything; default = { }; description = "Accepted and ignored."; };
    timers = mkOption { type = types.attrsOf types.anything; default = { }; description = "Accepted and ignored."; };
    sockets = mkOption { type = types.attrsOf types.anything; default = { }; description = "Accepted and ignored."; };
    paths = mkOption { type = types.attrsOf types.anything; default = { }; description = "Path units: `wantedBy` and `pathConfig.PathExists` (and `Unit`) are honoured, by a polling watcher; the rest is accepted and ignored."; };
    tmpfiles.rules = mkOption { type = types.listOf types.str; default = [ ]; description = "Only `d` and `D` lines are applied (on activation)."; };
  };

  config = {
    system.build.units = units;
    system.build.unitOrder = order;
    system.build.standinTools = tools;
    system.build.unitsJson = builtins.toJSON (builtins.mapAttrs
      (n: u: builtins.fromJSON (builtins.unsafeDiscardStringContext u.unitJson) // { path = u.outPath; })
      units);

    environment.systemPackages = [ tools ];

    system.activationScripts.tmpfiles = {
      deps = [ "users" "etc" ];
      text = ''
        standin_tmpfiles_rule() {
          local type path mode user group rest
          read -r type path mode user group rest <<<"$1"
          case "$type" in
            d|D)
              mkdir -p "$path"
              if [ -n "$mode" ] && [ "$mode" != - ]; then chmod "$mode" "$path"; fi
              if [ -n "$user" ] && [ "$user" != - ]; then chown "$user" "$path"; fi
              if [ -n "$group" ] && [ "$group" != - ]; then chgrp "$group" "$path"; fi ;;
            *) echo "stand-in: ignoring tmpfiles rule: $1" ;;
          esac
        }
      '' + tmpfilesText;
    };
  };
}
