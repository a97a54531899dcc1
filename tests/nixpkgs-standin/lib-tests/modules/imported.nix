# Imported twice (by path) in tests: must be deduplicated.
{ lib, config, ... }:
{
  imports = [ ./imported-child.nix ];
  options.fromFile = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ ]; };
  config.fromFile = [ "imported" ];
}
