# Declares nodes.<name>.deployment.targetPort (used by the type-error test).
{ lib, ... }:
{
  options.nodes = lib.mkOption {
    type = lib.types.attrsOf (lib.types.submodule {
      options.deployment.targetPort = lib.mkOption {
        type = lib.types.int;
        default = 22;
      };
    });
    default = { };
  };
}
