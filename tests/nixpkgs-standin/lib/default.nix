# STAND-IN for nixpkgs' `lib`.
#
# This directory is NOT nixpkgs. It is a small, independently written
# re-implementation of the documented behaviour of nixpkgs' `lib` (the module
# system, option types and the common attrset/list/string helpers), used ONLY
# by fleet's tests, because nixpkgs cannot be fetched in the test environment.
# Fleet's production code never depends on it: real deployments use the real
# nixpkgs `lib`. Code written against real nixpkgs should evaluate the same
# here for the supported subset (see ../lib-tests for what is covered).
#
# Layout: each file takes `{ lib }` and returns an attrset; everything is
# also re-exported at the top level, as nixpkgs does.
let
  call = file: import file { inherit lib; };

  trivial = call ./trivial.nix;
  fixedPoints = call ./fixed-points.nix;
  attrsets = call ./attrsets.nix;
  lists = call ./lists.nix;
  strings = call ./strings.nix;
  generators = call ./generators.nix;
  versions = call ./versions.nix;
  asserts = call ./asserts.nix;
  options = call ./options.nix;
  types = call ./types.nix;
  modules = call ./modules.nix;
  debug = call ./debug.nix;
  customisation = call ./customisation.nix;
  meta = call ./meta.nix;

  namespaces = {
    inherit trivial fixedPoints attrsets lists strings generators versions
      asserts options types modules debug;
    inherit customisation meta;
    stringsWithDeps = { };
  };

  lib = namespaces
    // trivial // fixedPoints // lists // attrsets // strings // asserts
    // options // modules // debug // customisation // meta
    // {
      inherit (versions) splitVersion;
      # names that exist in several namespaces resolve as in nixpkgs
      inherit (lists) replicate min max;
      inherit (builtins) toJSON fromJSON toString typeOf seq deepSeq
        getAttr hasAttr isAttrs isList isString isInt isFloat isBool
        isPath readFile pathExists baseNameOf dirOf;
      licenses = { };
      maintainers = { };
      platforms = { all = [ ]; linux = [ ]; };
    };
in
lib
