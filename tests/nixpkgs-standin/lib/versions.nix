# Stand-in for nixpkgs lib.versions (written from its documentation).
{ lib }:
let
  splitVersion = builtins.splitVersion;
  part = n: v: builtins.elemAt (splitVersion v) n;
in
{
  inherit splitVersion;
  major = part 0;
  minor = part 1;
  patch = part 2;
  majorMinor = v: builtins.concatStringsSep "." (lib.lists.take 2 (splitVersion v));
  pad = n: v:
    let parts = splitVersion v; in
    builtins.concatStringsSep "." (parts ++ builtins.genList (_: "0") (lib.trivial.max 0 (n - builtins.length parts)));
}
