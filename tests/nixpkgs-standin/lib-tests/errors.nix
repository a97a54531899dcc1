# Negative tests: each attribute is { expr; expect; } where evaluating `expr`
# must FAIL and the error output must contain every string in `expect`.
# Run with ./run.sh.
# libDir: the lib directory to test (run.sh passes it); default the stand-in's.
{ libDir ? "" }:
let
  lib = import (if libDir == "" then ../lib else /. + libDir);
  inherit (lib) mkOption types mkIf evalModules;
  eval = modules: (evalModules { inherit modules; }).config;
  f = p: toString p;
in
{
  typeErrorNamesOptionAndFile = {
    expr = (eval [ ./modules/port-option.nix ./modules/bad-port.nix ]).nodes.web.deployment.targetPort;
    expect = [
      "A definition for option `nodes.web.deployment.targetPort' is not of type `signed integer'. Definition values:"
      "- In `${f ./modules/bad-port.nix}': \"abc\""
    ];
  };
  undeclaredOption = {
    expr = eval [ ./modules/declare-ab.nix ./modules/undeclared.nix ];
    expect = [
      "The option `a.b.c' does not exist. Definition values:"
      "- In `${f ./modules/undeclared.nix}': 1"
      "Did you mean `a.b.d'?"
    ];
  };
  undeclaredNamespace = {
    expr = eval [ { _file = "virtual.nix"; services.foo.enable = true; } ];
    expect = [
      "The option `services' does not exist."
      "- In `virtual.nix'"
      "It seems as if you're trying to declare an option by placing it into `config' rather than `options'!"
    ];
  };
  undeclaredInSubmodule = {
    expr = (eval [ ./modules/port-option.nix { nodes.web.nope = 1; } ]).nodes.web.deployment.targetPort;
    expect = [ "The option `nodes.web.nope' does not exist." "Did you mean `nodes.web.deployment'?" ];
  };
  conflictingStr = {
    expr = (eval [ ./modules/str-option.nix ./modules/str-one.nix ./modules/str-two.nix ]).x;
    expect = [
      "The option `x' has conflicting definition values:"
      "- In `${f ./modules/str-two.nix}': \"two\""
      "- In `${f ./modules/str-one.nix}': \"one\""
    ];
  };
  enumError = {
    expr = (eval [ ./modules/enum.nix ]).mode;
    expect = [ "A definition for option `mode' is not of type `one of \"a\", \"b\"'." "- In `${f ./modules/enum.nix}': \"c\"" ];
  };
  readOnlySetTwice = {
    expr = (eval [ { options.r = mkOption { type = types.int; readOnly = true; default = 1; }; } { r = 2; } ]).r;
    expect = [ "The option `r' is read-only, but it's set multiple times. Definition values:" "- In `<unknown-file>': 1" "- In `<unknown-file>': 2" ];
  };
  nullAndNotNull = {
    expr = (eval [ { options.n = mkOption { type = types.nullOr types.int; }; } { n = null; } { n = 1; } ]).n;
    expect = [ "The option `n` is defined both null and not null, in `<unknown-file>' and `<unknown-file>'." ];
  };
  usedButNotDefined = {
    expr = (eval [ { options.u = mkOption { type = types.int; }; } ]).u;
    expect = [ "The option `u' was accessed but has no value defined. Try setting the option." ];
  };
  mkIfNonBool = {
    expr = (eval [ { options.u = mkOption { type = types.int; }; } { u = mkIf "yes" 1; } ]).u;
    expect = [ "‘mkIf’ called with a non-Boolean condition" ];
  };
  uniqueTwice = {
    expr = (eval [ { options.u = mkOption { type = types.uniq types.int; }; } { u = 1; } { u = 1; } ]).u;
    expect = [ "The option `u' is defined multiple times" ];
  };
  listElementType = {
    expr = (eval [ { options.l = mkOption { type = types.listOf types.int; }; } { l = [ 1 "two" ]; } ]).l;
    expect = [ "A definition for option `l.\"[definition 1-entry 2]\"' is not of type `signed integer'." ];
  };
  portRange = {
    expr = (eval [ { options.p = mkOption { type = types.port; }; } { p = 70000; } ]).p;
    expect = [ "is not of type `16 bit unsigned integer; between 0 and 65535 (both inclusive)'" ];
  };
  unsupportedModuleAttr = {
    expr = eval [ { options = { }; foo = 1; } ];
    expect = [ "has an unsupported attribute `foo'" ];
  };
  duplicateDefault = {
    expr = (eval [ { options.d = mkOption { default = 1; }; } { options.d = mkOption { default = 2; }; } ]).d;
    expect = [ "The option `d' in `<unknown-file>' is already declared in" ];
  };
  duplicateDescription = {
    expr = (eval [ { options.d = mkOption { description = "a"; }; } { options.d = mkOption { description = "b"; }; } ]).d;
    expect = [ "The option `d' in `<unknown-file>' is already declared in `<unknown-file>'." ];
  };
  conflictingTypes = {
    expr = (eval [ { options.d = mkOption { type = types.int; }; } { options.d = mkOption { type = types.str; }; } ]).d;
    expect = [ "is already declared in" ];
  };
  undeclaredSuggestsThreeNearest = {
    expr = eval [
      { options = { hostName = mkOption { }; hostKey = mkOption { }; tags = mkOption { }; port = mkOption { }; }; }
      { hostname = "x"; }
    ];
    expect = [ "The option `hostname' does not exist." "Did you mean `hostName', `hostKey' or `port'?" ];
  };
  bareMkMergeModule = {
    expr = eval [ { options.a = mkOption { type = types.int; }; } (lib.mkMerge [ { a = 1; } ]) ];
    expect = [
      "Expected a module, but found a value of type"
      "merge"
      "A module is typically loaded by adding it to the"
      "Please make sure that each of the list items is a module, and not a different kind of value."
    ];
  };
  anythingDifferentLists = {
    expr = (eval [ { options.a = mkOption { type = types.anything; }; } { _file = "one.nix"; a = [ 1 ]; } { _file = "two.nix"; a = [ 2 ]; } ]).a;
    expect = [ "The option `a' has conflicting definition values:" "- In `two.nix':" "2" "- In `one.nix':" "1" ];
  };
  anythingConflictingTypes = {
    expr = (eval [ { options.a = mkOption { type = types.anything; }; } { _file = "one.nix"; a = 1; } { _file = "two.nix"; a = "s"; } ]).a;
    expect = [ "The option `a' has conflicting option types in `two.nix' and `one.nix'" ];
  };
  functionsNeverEqual = {
    expr = (eval [ { options.f = mkOption { type = types.raw; }; } { f = x: x; } { f = x: x; } ]).f;
    expect = [ "The option `f' is defined multiple times while it's expected to be unique." ];
  };
}
