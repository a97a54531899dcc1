# deployment.hooks: commands run around the node's activation, as hook.command resources.
# preActivate becomes `node.<name>.hook.preActivate`, which the node's system waits for (a
# failure stops this node's activation only); postActivate becomes `node.<name>.hook.postActivate`,
# which runs after the system and watches the outputs that describe its activation (it re-runs
# when the node is activated, and gets them as FLEET_OUT_NODE_<NAME>_*). A hook runs when its
# `system` or what it watches changes: the node's tags and how fleet reaches it are no reason
# (the hooks provider only records those).
{ config, lib, ... }:
let
  inherit (lib) mkOption types;
  d = config.deployment;

  hookOptions = phase: {
    argv = mkOption {
      type = types.nullOr (types.listOf types.str);
      default = null;
      example = [ "systemctl" "is-active" "nginx" ];
      description = "The command as an argv list (no shell). Give this or `script`.";
    };
    script = mkOption {
      type = types.nullOr types.lines;
      default = null;
      description = ''
        A shell script: run with `sh -eu -c` on the node, or `bash -euo pipefail -c` on the deployer.
        Give this or `argv`.
      '';
    };
    on = mkOption {
      type = types.enum [ "node" "local" ];
      default = "node";
      description = ''
        Where the hook runs: on the node itself over SSH, as `deployment.targetUser` (the default,
        as the hook belongs to the node), or on the deployer (`local`).
      '';
    };
    timeout = mkOption {
      type = types.ints.positive;
      default = 300;
      description = "Seconds the hook may run; past them it is stopped and fails.";
    };
    environment = mkOption {
      type = types.attrsOf types.str;
      default = { };
      description = "Extra environment variables for the hook (not secret: they are kept in fleet's state).";
    };
    always = mkOption {
      type = types.bool;
      default = false;
      description = ''
        Run on every `fleet apply` that reaches this node, not only when the node's system changes.
      '';
    };
  };

  hookType = phase: types.nullOr (types.submodule { options = hookOptions phase; });

  # `node` ({ name, connection }) comes from fleet: a cooked configuration does not know its name.
  hookResource = node: phase: h: {
    type = "hook.command";
    inputs = lib.filterAttrs (k: v: !(builtins.elem k [ "argv" "script" ]) || v != null) {
      inherit (h) argv script on timeout environment always;
      inherit phase;
      node = node.name;
      # The system this deployment activates: a changed system re-runs the hook.
      system = builtins.unsafeDiscardStringContext config.system.build.toplevel.outPath;
    } // node.connection // lib.optionalAttrs (phase == "postActivate") {
      # Not every output: agentPath, generation and bootSystem change without an activation (goal boot).
      watch."node.${node.name}" = lib.genAttrs [ "systemPath" "previousSystem" "activatedAt" "health" ]
        (output: { "$ref" = "node.${node.name}"; inherit output; });
    };
    beforeSystem = phase == "preActivate";
    dependsOn = lib.optional (phase == "postActivate") "@system";
  };
in
{
  options.deployment.hooks = {
    preActivate = mkOption {
      type = hookType "preActivate";
      default = null;
      description = ''
        A command run before this node is activated, whenever its system changes (or on every
        apply with `always`). If it fails, this node is not activated and keeps its current system;
        other nodes go on. Its environment has FLEET_NODE, FLEET_RESOURCE, FLEET_ACTION,
        FLEET_PHASE=preActivate and FLEET_SYSTEM (the system about to be activated).
      '';
    };
    postActivate = mkOption {
      type = hookType "postActivate";
      default = null;
      description = ''
        A command run after this node was activated: when its system changes or fleet activates it
        again (or on every apply with `always`); a change of its tags or of how fleet reaches it
        runs nothing, nor do the goals build, push and dry-activate. If it fails, the node is marked
        failed and the failure is reported. Its environment has the outputs of the activation:
        FLEET_OUT_NODE_<NAME>_SYSTEMPATH, _PREVIOUSSYSTEM, _ACTIVATEDAT and _HEALTH, and all of them
        as FLEET_OUTPUTS_JSON.
      '';
    };
  };

  # A node whose own goal leaves it as it is (dry-activate, push, build) is never activated, so
  # it has no activation hooks (the same goals given for one run leave hooks out of that run).
  config.deployment.nodeResources = node: lib.optionalAttrs (builtins.elem d.goal [ "switch" "boot" "test" ]) (
    lib.optionalAttrs (d.hooks.preActivate != null) { "hook.preActivate" = hookResource node "preActivate" d.hooks.preActivate; }
    // lib.optionalAttrs (d.hooks.postActivate != null) { "hook.postActivate" = hookResource node "postActivate" d.hooks.postActivate; });
}
