{ lib, ... }: { options.a.b.d = lib.mkOption { type = lib.types.int; default = 0; }; }
