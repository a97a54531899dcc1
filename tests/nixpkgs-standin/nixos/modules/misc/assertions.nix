# STAND-IN (nixpkgs stand-in, not NixOS): `assertions` and `warnings`, checked when
# system.build.toplevel is evaluated (see ../system/activation/top-level.nix), as in NixOS.
{ lib, ... }:
{
  options = {
    assertions = lib.mkOption {
      type = lib.types.listOf lib.types.unspecified;
      default = [ ];
      description = "List of { assertion; message; }; a false assertion fails the build of the toplevel.";
    };
    warnings = lib.mkOption {
      type = lib.types.listOf lib.types.str;
      default = [ ];
      description = "Messages printed when the toplevel is evaluated.";
    };
  };
}
