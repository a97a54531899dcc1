# services.fleet-agent: runs `fleet-agent daemon` on a node — periodic health checks, status
# on a unix socket (/run/fleet-agent/agent.sock) and, if asked, status and Prometheus metrics
# over HTTP. Activations do not need this service: the deployer runs `fleet-agent activate`
# from the agent's store path, and the activation worker lives outside this unit, so restarting
# or stopping the service never interrupts an activation. See docs/agent.md.
{ config, lib, pkgs, ... }:

let
  inherit (lib) mkEnableOption mkIf mkOption types literalExpression optionals filterAttrs;
  cfg = config.services.fleet-agent;

  # The checks file the agent reads (schemas/health-checks.schema.json); unset fields are left out.
  checksFile = pkgs.writeText "fleet-agent-health-checks.json"
    (builtins.toJSON (map (filterAttrs (_: v: v != null)) cfg.healthChecks));

  daemonArgs = [
    "daemon"
    "--socket" "/run/fleet-agent/agent.sock"
    "--interval" (toString cfg.interval)
    "--health-checks" "${checksFile}"
  ] ++ optionals (cfg.http.listen != null) [ "--http" cfg.http.listen ];
in
{
  options.services.fleet-agent = {
    enable = mkEnableOption "the fleet agent daemon (periodic health checks and node status for `fleet status`)";

    package = mkOption {
      type = types.package;
      description = "The fleet-agent package (a NativeAOT build: `bin/fleet-agent`). fleet sets it to the agent it deploys with.";
      example = literalExpression "fleet.packages.\${pkgs.system}.fleet-agent";
    };

    healthChecks = mkOption {
      type = types.listOf (types.attrsOf types.anything);
      default = [ ];
      description = ''
        Health checks run every `interval` seconds, in the agent's checks-file format
        (schemas/health-checks.schema.json): `type` is one of http, tcp, command, unit.
      '';
      example = literalExpression ''
        [
          { type = "http"; url = "http://127.0.0.1:8080/health"; expectStatus = 200; timeout = 5; }
          { type = "unit"; unit = "nginx"; retries = 2; }
        ]
      '';
    };

    interval = mkOption {
      type = types.ints.positive;
      default = 30;
      description = "Seconds between runs of the health checks.";
    };

    http.listen = mkOption {
      type = types.nullOr types.str;
      default = null;
      example = "127.0.0.1:9100";
      description = "ADDRESS:PORT to serve `GET /status` (JSON) and `GET /metrics` (Prometheus) on; null serves only the unix socket.";
    };
  };

  config = mkIf cfg.enable {
    environment.systemPackages = [ cfg.package ];

    systemd.services.fleet-agent = {
      description = "fleet agent: node health checks and status";
      wantedBy = [ "multi-user.target" ];
      after = [ "network.target" ];
      # unit checks use the system's systemctl; command checks find the usual tools.
      path = [ pkgs.coreutils ];
      serviceConfig = {
        Type = "simple";
        ExecStart = lib.escapeShellArgs ([ "${cfg.package}/bin/fleet-agent" ] ++ daemonArgs);
        Restart = "always";
        RestartSec = 5;
        # Not RuntimeDirectory: /run/fleet-agent also holds the activation lock and the pending
        # activation, which must outlive a stop of this service.
        StateDirectory = "fleet-agent";
        LogsDirectory = "fleet-agent";
      };
    };
  };
}
