# Reading a Colmena hive as it is written for Colmena, before fleet's module system exists.
#
# A hive is an attribute set (or a function whose arguments all have defaults, called with none)
# whose top-level attributes are nodes, except `meta` (or its NixOps-era alias `network`) and
# `defaults`. fleet's module (module.nix) takes such a set as it is: undeclared top-level
# attributes are nodes there. What cannot wait for the module system is done here: calling a
# function hive, turning `network` into `meta`, and finding nixpkgs, because the module system
# itself comes from that nixpkgs.
let
  isFunction = f: builtins.isFunction f || (builtins.isAttrs f && f ? __functor);

  # Colmena calls a hive that is a function with an empty set, so its arguments' defaults apply.
  # A fleet module function (`{ lib, config, ... }:`) has arguments without defaults and is left
  # to the module system.
  isHiveFunction = f:
    builtins.isFunction f
    && builtins.all (hasDefault: hasDefault) (builtins.attrValues (builtins.functionArgs f));
in
rec {
  # The entry as fleet's module system reads it: a hive function called, `network` renamed.
  normalise = file: loaded:
    let
      called = if isHiveFunction loaded then loaded { } else loaded;
    in
    if !builtins.isAttrs called || called ? __functor then called
    else if called ? __schema then
      throw "fleet: ${file} is an already-evaluated hive (makeHive's result, schema ${called.__schema}); name the flake output `colmenaHive` instead of passing it as a hive"
    else if called ? meta && called ? network then
      throw "fleet: ${file} sets both `meta` and `network`; give one of them (`network` is the NixOps name of `meta`)"
    else if called ? network then removeAttrs called [ "network" ] // { meta = called.network; }
    else called;

  # meta.nixpkgs (or meta.nodeNixpkgs.<node>) as a package set, as Colmena accepts it: a path to
  # a nixpkgs tree (or anything with `outPath`), the nixpkgs function (`import <nixpkgs>`), or an
  # already-imported package set. `what` names the option in errors.
  packageSet = { what, system }: conf:
    if builtins.isPath conf || builtins.isString conf || (builtins.isAttrs conf && conf ? outPath && !(conf ? lib)) then
      packageSet { inherit what system; } (import conf)
    else if isFunction conf then conf { inherit system; }
    else if builtins.isAttrs conf && conf ? lib then conf
    else if builtins.isAttrs conf && conf ? outputs then
      throw "fleet: ${what} is a flake input that was not imported; give `import nixpkgs { system = \"...\"; }` or nixpkgs.legacyPackages.<system>"
    else throw "fleet: ${what} must be a path to nixpkgs, the nixpkgs function (import <nixpkgs>) or a package set, not a ${builtins.typeOf conf}";

  # nixpkgs' source tree, where nixos/lib/eval-config.nix is: the path given, or the set's `path`.
  sourceTree = conf: pkgs:
    if builtins.isPath conf || builtins.isString conf then conf
    else if builtins.isAttrs conf && conf ? outPath && !(conf ? lib) then conf.outPath
    else pkgs.path or null;
}
