# NixOS module declaring how fleet reaches and deploys a node (`deployment.*`).
# Imported into every node's evaluation by the fleet module.
# It takes no `name` argument, so configurations evaluated outside fleet can import it too: for
# those ("cooked") the node's name is known to fleet alone, which calls `connectionFor` and
# `nodeResources` with it instead of setting `nodeName` (that would mean evaluating them again).
{ config, options, lib, ... }:
let
  inherit (lib) mkOption types;
  d = config.deployment;

  resourceOptions = import ./resource-options.nix { inherit lib; } // {
    beforeSystem = mkOption {
      type = types.bool;
      default = false;
      description = "Whether this node's system (its activation) waits for this resource.";
    };
  };
in
{
  # Features that turn node settings into resources of their own (secrets, hooks) live in
  # their own modules and fill `deployment.resources`.
  imports = [ ./secrets.nix ./keys.nix ./hooks.nix ];

  options.deployment = {
    nodeName = mkOption {
      type = types.nullOr types.str;
      default = null;
      internal = true;
      description = "Set by fleet for the nodes it evaluates: this node's name in the fleet (null in a cooked configuration).";
    };
    connection = mkOption {
      type = types.attrsOf types.raw;
      readOnly = true;
      internal = true;
      description = "How to reach this node, as every node-side provider takes it in its inputs (`connectionFor nodeName`).";
    };
    connectionFor = mkOption {
      type = types.functionTo (types.attrsOf types.raw);
      readOnly = true;
      internal = true;
      description = "The connection of this node given its name in the fleet.";
    };
    nodeResources = mkOption {
      description = ''
        Resources of this node that depend on its name in the fleet (secrets, hooks): a function
        from the node, `{ name, connection }`, to resources by key, merged into `resources`. fleet
        calls it with the node's name, which a configuration evaluated outside fleet does not know.
      '';
      default = _: { };
      internal = true;
      type = types.functionTo (types.attrsOf (types.submodule { options = resourceOptions; }));
    };
    resources = mkOption {
      description = ''
        Resources that belong to this node, by key; each becomes the fleet resource
        `node.<name>.<key>` with `node` set to this node. Secrets and hooks are declared through
        their own options and land in `nodeResources`.
      '';
      default = { };
      type = types.attrsOf (types.submodule { options = resourceOptions; });
    };

    targetHost = mkOption {
      type = types.nullOr types.str;
      default = d.nodeName;
      defaultText = lib.literalExpression "the node's name";
      description = ''
        Host name or address fleet connects to over SSH (as Colmena: the node's name by default).
        null means the node is deployed only locally, by `fleet apply-local` on the node itself
        (with `allowLocalDeployment`); `fleet apply` then fails for this node alone.
      '';
    };
    targetPort = mkOption {
      type = types.nullOr types.port;
      default = null;
      description = "SSH port; null means the SSH client's default (22 or ~/.ssh/config).";
    };
    targetUser = mkOption {
      type = types.nullOr types.str;
      default = "root";
      description = ''
        User fleet logs in as; null leaves it to ssh (no `user@`: ~/.ssh/config or the local user
        name). Unless it is "root", privileged steps go through `privilegeEscalationCommand`.
      '';
    };
    allowLocalDeployment = mkOption {
      type = types.bool;
      default = false;
      description = ''
        Whether `fleet apply-local` may deploy this node on the machine fleet runs on (the node
        whose name is this host's name, or `--node NAME`).
      '';
    };
    privilegeEscalationCommand = mkOption {
      type = types.addCheck (types.listOf types.str) (l: l != [ ]) // { description = "non-empty list of string"; };
      default = [ "sudo" "-H" "--" ];
      description = ''
        Command put before the privileged steps (the agent: activation, secrets, status) when
        `targetUser` is not root, and under `fleet apply-local --sudo` when fleet is not root.
        sudo (the first word named `sudo`) runs non-interactively: fleet adds `-n`, or `-S`
        with `--ask-sudo-password`. Any other command (doas, a wrapper) is run as given and must
        not ask for a password.
      '';
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
    hostKey = mkOption {
      type = types.nullOr types.str;
      default = null;
      example = "ssh-ed25519 AAAAC3Nza...";
      description = ''
        The node's SSH host public key, pinned: fleet checks the host against it alone. When null,
        the fleet's own known_hosts (beside its state database) and the system-wide one apply;
        unknown hosts are refused unless `fleet apply --trust-on-first-use` records their key.
      '';
    };
    goal = mkOption {
      type = types.enum [ "switch" "boot" "test" "dry-activate" "build" "push" ];
      default = "switch";
      description = "What apply does with the new system (`push`: build and copy it, activate nothing); `fleet apply GOAL` or `--goal` overrides it for one run.";
    };
    buildOnTarget = mkOption {
      type = types.bool;
      default = false;
      description = "Build the system on the node itself (its .drv closure is copied there) instead of on the deployer.";
    };
    replaceUnknownProfiles = mkOption {
      type = types.bool;
      default = true;
      description = ''
        Whether fleet may activate a new system on a node whose running system it does not know
        (its store path is not in the deployer's store: switched by hand, by another deployer, or
        garbage-collected here). false refuses such a node, so as not to undo someone else's
        deployment.
      '';
    };
    substituteOnDestination = mkOption {
      type = types.bool;
      default = false;
      description = "Let the node fetch paths from its binary caches while copying the closure.";
    };
    reboot = mkOption {
      type = types.bool;
      default = false;
      description = ''
        Reboot the node (through fleet-agent) after `switch` or `boot` (with `boot`, this starts
        the new system), then wait for it to come back running it. Ignored, with a warning, for
        `test` and `dry-activate`, which a reboot would undo.
      '';
    };
    rollback = {
      onHealthFailure = mkOption {
        type = types.bool;
        default = true;
        description = "Roll back to the previous system when a health check fails after activation.";
      };
      magic = mkOption {
        type = types.bool;
        default = true;
        description = ''
          Magic rollback: the node rolls itself back unless the deployer confirms the activation
          over a fresh SSH connection within `confirmTimeout` seconds.
        '';
      };
      confirmTimeout = mkOption {
        type = types.ints.positive;
        default = 30;
        description = "Seconds the node waits for the deployer's confirmation before rolling back.";
      };
    };
    healthChecks = mkOption {
      description = "Checks the node's agent runs after activation (and periodically, with services.fleet-agent).";
      default = [ ];
      type = types.listOf (types.submodule {
        options = {
          type = mkOption { type = types.enum [ "http" "tcp" "command" "unit" ]; description = "Kind of check."; };
          name = mkOption { type = types.nullOr types.str; default = null; description = "Name shown in status."; };
          url = mkOption { type = types.nullOr types.str; default = null; description = "http: the URL to GET."; };
          expectStatus = mkOption { type = types.nullOr types.int; default = null; description = "http: expected status (default 200)."; };
          host = mkOption { type = types.nullOr types.str; default = null; description = "tcp: host to connect to."; };
          port = mkOption { type = types.nullOr types.port; default = null; description = "tcp: port to connect to."; };
          argv = mkOption { type = types.nullOr (types.listOf types.str); default = null; description = "command: argv to run; exit 0 is healthy."; };
          unit = mkOption { type = types.nullOr types.str; default = null; description = "unit: a systemd unit that must be active."; };
          timeout = mkOption { type = types.nullOr types.number; default = null; description = "Seconds one attempt may take."; };
          retries = mkOption { type = types.nullOr types.int; default = null; description = "Attempts before the check fails (default 3)."; };
          interval = mkOption { type = types.nullOr types.number; default = null; description = "Seconds between attempts (default 2)."; };
          gracePeriod = mkOption { type = types.nullOr types.number; default = null; description = "Seconds to wait before the first attempt."; };
        };
      });
    };
  };

  # targetHost defaults to the node's name, which a cooked configuration learns only here; a
  # targetHost set to null (deployed by apply-local only) stays null.
  config.deployment.connectionFor = name: {
    targetHost = if options.deployment.targetHost.highestPrio >= (lib.mkOptionDefault null).priority then name else d.targetHost;
    inherit (d) targetPort targetUser sshOptions hostKey privilegeEscalationCommand;
  };
  config.deployment.connection = d.connectionFor d.nodeName;
}
