# Test systems for run.sh, built with the nixpkgs STAND-IN (not NixOS).
let
  evalConfig = import ../nixos/lib/eval-config.nix;
  build = modules: (evalConfig { inherit modules; }).config.system.build.toplevel;

  base = { pkgs, ... }: {
    networking.hostName = "testnode";
    system.stateVersion = "25.05";
    environment.systemPackages = [ pkgs.hello ];
    users.users.alice = { isNormalUser = true; extraGroups = [ "wheel" ]; openssh.authorizedKeys.keys = [ "ssh-ed25519 AAAAC3Nza test@standin" ]; };
    system.activationScripts.marker = {
      deps = [ "etc" ];
      text = ''
        mkdir -p /var/lib/standin-test
        cat /etc/demo/hello.txt > /var/lib/standin-test/activated 2>/dev/null || echo no-hello > /var/lib/standin-test/activated
      '';
    };
  };

  # A web server whose page says VERSION; changing VERSION changes the unit.
  web = version: { pkgs, ... }: {
    systemd.services.web = {
      description = "stand-in test web server";
      wantedBy = [ "multi-user.target" ];
      path = [ pkgs.python3 ];
      serviceConfig.StateDirectory = "web";
      preStart = ''echo ${version} > "$STATE_DIRECTORY/index.html"'';
      script = ''exec python3 -m http.server 18080 --bind 127.0.0.1 --directory "$STATE_DIRECTORY"'';
    };
  };

  # A oneshot running as alice, remaining active after it exits.
  whoami = {
    systemd.services.whoami = {
      wantedBy = [ "multi-user.target" ];
      after = [ "web.service" ];
      serviceConfig = { Type = "oneshot"; RemainAfterExit = true; User = "alice"; StateDirectory = "whoami"; };
      script = ''id -un > "$STATE_DIRECTORY/user"'';
    };
  };
in
rec {
  v1 = build [ base (web "v1") whoami { environment.etc."demo/hello.txt".text = "hello v1\n"; environment.etc."demo/secret" = { text = "s3cret\n"; mode = "0600"; }; } ];
  # The same configuration, written separately: must give the same store path as v1.
  v1again = build [ { environment.etc."demo/secret" = { mode = "0600"; text = "s3cret\n"; }; } whoami (web "v1") base { environment.etc."demo/hello.txt".text = "hello v1\n"; } ];
  v2 = build [ base (web "v2") whoami { environment.etc."demo/other.txt".text = "other\n"; } ];
  # A service that exits at once with a failure.
  broken = build [ base (web "v2") whoami {
    environment.etc."demo/other.txt".text = "other\n";
    systemd.services.crash = { wantedBy = [ "multi-user.target" ]; script = "echo boom; exit 3"; };
  } ];
  v3 = build [ base ];
  # A service that reloads (reloadIfChanged) instead of restarting when its configuration changes.
  reloading = greeting: build [ base {
    systemd.services.greeter = {
      wantedBy = [ "multi-user.target" ];
      reloadIfChanged = true;
      script = "exec sleep 600";
      reload = "echo ${greeting} > /var/lib/standin-test/reloaded";
    };
  } ];
  reload1 = reloading "one";
  reload2 = reloading "two";
  # A path unit (PathExists=) and the service it starts, which runs while the path exists.
  watched = build [ base {
    systemd.paths.flag = { wantedBy = [ "paths.target" ]; pathConfig.PathExists = "/run/flag"; };
    systemd.services.flag.script = "while [ -e /run/flag ]; do sleep 0.2; done";
  } ];
}
