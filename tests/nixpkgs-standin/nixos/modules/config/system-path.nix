# STAND-IN (nixpkgs stand-in, not NixOS): environment.systemPackages. The toplevel links every
# package's bin/ and sbin/ entries into $out/sw/bin (first package wins on a name clash, like
# NixOS' ignoreCollisions). The stand-in systemctl/journalctl come first.
{ lib, ... }:
{
  options.environment = {
    systemPackages = lib.mkOption {
      type = lib.types.listOf lib.types.package;
      default = [ ];
      description = "Packages whose programs appear in /run/current-system/sw/bin.";
    };
    variables = lib.mkOption {
      type = lib.types.attrsOf lib.types.anything;
      default = { };
      description = "Accepted and ignored by the nixpkgs stand-in.";
    };
    shellAliases = lib.mkOption {
      type = lib.types.attrsOf lib.types.str;
      default = { };
      description = "Accepted and ignored by the nixpkgs stand-in.";
    };
  };
}
