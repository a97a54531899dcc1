# The options every resource declaration has, whether in the fleet's `resources` or in a node's
# `deployment.resources`.
{ lib }:
let
  inherit (lib) mkOption types;
in
{
  type = mkOption {
    type = types.str;
    description = "Resource type, `<provider>.<kind>`, e.g. `local.file`.";
  };
  inputs = mkOption {
    type = types.attrsOf types.anything;
    default = { };
    description = "Inputs given to the provider; `{ \"$ref\" = id; output = name; }` refers to another resource's output (without `output`: all of them).";
  };
  dependsOn = mkOption {
    type = types.listOf types.str;
    default = [ ];
    description = "Ids of resources that must be applied before this one (in a node's `deployment.resources`, `@system` is the node's system).";
  };
}
