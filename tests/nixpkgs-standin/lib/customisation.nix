# Stand-in for a small part of nixpkgs lib.customisation.
{ lib }:
let b = builtins; in
rec {
  makeOverridable = f: args:
    let
      result = f args;
      override = newArgs: makeOverridable f (args // (if lib.trivial.isFunction newArgs then newArgs args else newArgs));
    in
    if b.isAttrs result then result // { inherit override; overrideDerivation = g: result // g result; }
    else if lib.trivial.isFunction result then { __functor = self: result; inherit override; }
    else result;

  callPackageWith = autoArgs: fn: args:
    let
      f = if lib.trivial.isFunction fn then fn else import fn;
      auto = b.intersectAttrs (lib.trivial.functionArgsOf f) autoArgs;
    in makeOverridable f (auto // args);

  callPackagesWith = callPackageWith;
}
