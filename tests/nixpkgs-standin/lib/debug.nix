# Stand-in for nixpkgs lib.debug (small subset).
{ lib }:
rec {
  traceIf = pred: msg: x: if pred then builtins.trace msg x else x;
  traceVal = x: builtins.trace x x;
  traceSeq = x: y: builtins.trace (builtins.deepSeq x x) y;
  traceValSeq = v: traceSeq v v;
  traceValFn = f: x: builtins.trace (f x) x;
}
