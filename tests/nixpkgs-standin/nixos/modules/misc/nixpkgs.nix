# STAND-IN (nixpkgs stand-in, not NixOS): the nixpkgs.* options are accepted so that real
# configurations (hardware-configuration.nix sets nixpkgs.hostPlatform) evaluate. They do not
# change `pkgs`: eval-config.nix always passes the stand-in pkgs for its `system` argument.
{ lib, ... }:
let
  inherit (lib) mkOption types;
in
{
  options.nixpkgs = {
    hostPlatform = mkOption { type = types.either types.str (types.attrsOf types.anything); default = "x86_64-linux"; description = "Accepted, ignored by the stand-in."; };
    buildPlatform = mkOption { type = types.either types.str (types.attrsOf types.anything); default = "x86_64-linux"; description = "Accepted, ignored by the stand-in."; };
    system = mkOption { type = types.str; default = "x86_64-linux"; description = "Accepted, ignored by the stand-in."; };
    config = mkOption { type = types.attrsOf types.anything; default = { }; description = "Accepted, ignored by the stand-in."; };
    overlays = mkOption { type = types.listOf types.unspecified; default = [ ]; description = "Accepted, ignored by the stand-in."; };
  };
}
