# The demo fleet: a web node serving HTTP from a service, an api node, and a worker.
#
# It is built with tests/nixpkgs-standin, a STAND-IN for nixpkgs that exists only because
# nixpkgs cannot be fetched on fleet's development machines. A real fleet sets
# `meta.nixpkgs = <nixpkgs>;` (or a flake input) instead; nothing else here changes.
{
  meta = {
    name = "demo";
    nixpkgs = ../../tests/nixpkgs-standin; # stand-in, see the comment above
  };

  defaults = { name, pkgs, ... }: {
    deployment.tags = [ "demo" ];
    environment.etc."motd".text = "This is ${name}, deployed by fleet.\n";
    system.stateVersion = "24.05";
  };

  nodes.web = { pkgs, ... }: let
    # The one package script/demo changes to show a plan: it plans this node with
    # `pkgs.hello.override { version = "2.12.1"; }` here, and fleet says `hello: 2.12 -> 2.12.1`,
    # the closure's change, whether a reboot is needed and (--detailed) that web.service restarts.
    hello = pkgs.hello;
  in {
    deployment.tags = [ "frontend" ];
    # Checked by the node's agent after activation; a failure rolls the node back.
    deployment.healthChecks = [
      { type = "http"; url = "http://127.0.0.1:8080/"; retries = 10; interval = 0.5; }
      { type = "unit"; unit = "web"; }
    ];
    # Runs on web after each activation that changed it; its lines show in fleet's progress and log.
    # (Store paths a node hook uses must be in the node's system: python3 is, through the service.)
    deployment.hooks.postActivate.script = ''
      echo "web now runs $FLEET_OUT_NODE_WEB_SYSTEMPATH"
      ${pkgs.python3}/bin/python3 -c 'import urllib.request; print(urllib.request.urlopen("http://127.0.0.1:8080/").read().decode())'
    '';
    environment.etc."web/index.html".text = ''
      <h1>Hello from the fleet demo</h1>
    '';
    environment.systemPackages = [ hello ];
    systemd.services.web = {
      description = "demo web server";
      wantedBy = [ "multi-user.target" ];
      # Reads the secret at start; the page shows only that it has it.
      script = ''
        mkdir -p /run/web && cp /etc/web/index.html /run/web/
        echo "secret loaded: $(wc -c < /run/keys/greeting) bytes" > /run/web/secret.txt
        ${hello}/bin/hello > /run/web/hello.txt
        exec ${pkgs.python3}/bin/python3 -m http.server 8080 --directory /run/web
      '';
    };
    # Uploaded to /run/keys/greeting (root, 0400) before activation, never into a Nix store; a
    # real fleet takes it from `file` or `command` (e.g. [ "pass" "show" "greeting" ]), not `text`.
    deployment.secrets.greeting = { text = "hello from a fleet secret"; restartUnits = [ "web" ]; };
  };

  nodes.api = { pkgs, ... }: {
    deployment.tags = [ "backend" ];
    deployment.healthChecks = [ { type = "tcp"; host = "127.0.0.1"; port = 8081; retries = 10; interval = 0.5; } ];
    systemd.services.api = {
      description = "demo api: answers with the node's name";
      wantedBy = [ "multi-user.target" ];
      script = ''
        mkdir -p /run/api && echo '{"service":"api","node":"api"}' > /run/api/index.json
        exec ${pkgs.python3}/bin/python3 -m http.server 8081 --directory /run/api
      '';
    };
  };

  nodes.worker = { ... }: {
    deployment.tags = [ "backend" ];
    systemd.services.worker = {
      description = "demo worker: a loop doing periodic work";
      wantedBy = [ "multi-user.target" ];
      script = "while true; do date > /var/lib/worker-heartbeat; sleep 5; done";
    };
  };
}
