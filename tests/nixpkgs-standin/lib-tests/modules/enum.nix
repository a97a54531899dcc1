{ lib, ... }: {
  options.mode = lib.mkOption { type = lib.types.enum [ "a" "b" ]; };
  config.mode = "c";
}
