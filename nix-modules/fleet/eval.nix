# Entry point the fleet engine evaluates: one evaluator process for the whole fleet.
#
#   nix-instantiate --eval --strict --json --read-write-mode eval.nix -A resourceGraph \
#     --arg entry ./fleet.nix [--arg nixpkgs /path/to/nixpkgs]
#
# `entry` is a fleet module or a Colmena hive (attrset, function or path); `meta.nixpkgs` names
# nixpkgs unless `nixpkgs` is given here. nixpkgs may be a source path, the nixpkgs function or an
# already-imported package set.
{ entry, nixpkgs ? null, system ? builtins.currentSystem }:
let
  hive = import ./hive.nix;
  # A Colmena hive is read as Colmena reads it: a function hive called, `network` as `meta`.
  isFile = builtins.isPath entry || builtins.isString entry;
  loaded = hive.normalise (if isFile then toString entry else "the fleet entry") (if isFile then import entry else entry);
  # Colmena-style hives put meta.nixpkgs at the top level of a plain attrset: read it before
  # the module system exists, because the module system comes from that nixpkgs.
  rawMeta = if builtins.isAttrs loaded then loaded.meta or { } else { };
  # Without its priority, if it has one (flake-parts' `flake.fleet` gives it with mkForce).
  rawNixpkgs = let v = rawMeta.nixpkgs; in if builtins.isAttrs v && v._type or null == "override" then v.content else v;
  chosen =
    if nixpkgs != null then nixpkgs
    else if rawMeta ? nixpkgs then rawNixpkgs
    else throw "fleet: no nixpkgs given; set `meta.nixpkgs` in ${toString entry} or pass --nixpkgs PATH";
  pkgs = hive.packageSet { what = "meta.nixpkgs"; inherit system; } chosen;
  # eval-config.nix is found in the nixpkgs source tree: the path given, or pkgs.path.
  nixpkgsPath = hive.sourceTree chosen pkgs;
  evaluated = import ./lib.nix { inherit pkgs system nixpkgsPath; modules = [ entryModule ]; };
  # Keep the file name on the user's definitions so errors say where a bad value came from.
  entryModule = if isFile
    then { _file = toString entry; imports = [ loaded ]; }
    else loaded;
in
evaluated // {
  # Colmena's introspection (`fleet eval -E '{ nodes, pkgs, lib }: ...'`): nodes are the evaluated node configurations.
  introspect = f: f { inherit (evaluated) nodes; inherit pkgs; inherit (pkgs) lib; };
}
