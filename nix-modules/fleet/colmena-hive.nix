# A fleet module reading what Colmena's makeHive exports (`colmenaHive`, __schema "v0.5"): the
# nodes are already evaluated, so each becomes a cooked node (evaluatedNodes) whose toplevel is
# `toplevel.<node>` and whose deployment settings are `deploymentConfig.<node>`, translated to
# fleet's deployment options. `metaConfig.name` names the fleet. Nothing is evaluated twice, and
# only the selected nodes' toplevels are forced.
{ hive, flakeName }:
{ lib, fleetModules, options, ... }:
let
  inherit (lib) mkOption types;
  schema = hive.__schema or null;

  # Colmena's values that mean "nothing to do": such a field is dropped when fleet has no option
  # for it; any other value of a field fleet cannot honour is an error, never silently ignored.
  colmenaDefaults = {
    keys = { };
    allowLocalDeployment = false;
    replaceUnknownProfiles = true;
    privilegeEscalationCommand = [ "sudo" "-H" "--" ];
  };

  deploymentFor = name: dc: deploymentOptions:
    lib.concatMapAttrs (field: v:
      let
        known = deploymentOptions ? ${field};
        accepts = known && (deploymentOptions.${field}.type.check or (_: true)) v;
      in
      if field == "_module" then { }
      else if known && (v != null || accepts) then
        { ${field} = if field == "keys" then lib.mapAttrs (_: k: removeAttrs k [ "path" ]) v else v; }
      else if v == null || (colmenaDefaults ? ${field} && colmenaDefaults.${field} == v) then { }
      else throw "fleet: flake ${flakeName}, colmenaHive node ${name}: deployment.${field} = ${builtins.toJSON v} is not supported by fleet's deployment options") dc;

  cooked = name: lib.evalModules {
    modules = [
      fleetModules.deployment
      ({ options, ... }: {
        # The NixOS options fleet's deployment modules read; the rest stays in the hive's own
        # evaluation, and definitions for NixOS options absent here are ignored.
        options.system.build.toplevel = mkOption { type = types.raw; };
        config = {
          _module.check = false;
          system.build.toplevel = hive.toplevel.${name};
          deployment = deploymentFor name hive.deploymentConfig.${name} options.deployment;
        };
      })
    ];
  };
in
if schema != "v0.5" then
  throw "fleet: flake ${flakeName}: colmenaHive has __schema ${builtins.toJSON schema}; fleet reads Colmena's makeHive interface v0.5"
else {
  meta = { name = hive.metaConfig.name or "hive"; }
    // lib.optionalAttrs ((options.meta or { }) ? description && hive.metaConfig ? description) { inherit (hive.metaConfig) description; };
  evaluatedNodes = lib.mapAttrs (name: _: cooked name) hive.deploymentConfig;
}
