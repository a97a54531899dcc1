# Stand-in for nixpkgs lib.trivial (written from its documentation).
{ lib }:
let
  b = builtins;
in
rec {
  id = x: x;
  const = x: _: x;
  flip = f: a: c: f c a;
  pipe = start: fns: b.foldl' (acc: f: f acc) start fns;
  concat = x: y: x ++ y;
  or = x: y: x || y;
  and = x: y: x && y;
  xor = x: y: (!x) != (!y);
  bitAnd = b.bitAnd;
  bitOr = b.bitOr;
  bitXor = b.bitXor;
  bitNot = b.sub (-1);
  boolToString = v: if v then "true" else "false";
  mergeAttrs = x: y: x // y;
  defaultTo = default: v: if v == null then default else v;
  mapNullable = f: v: if v == null then null else f v;
  min = x: y: if x < y then x else y;
  max = x: y: if x > y then x else y;
  mod = base: int: base - (int * (b.div base int));
  compare = a: c: if a < c then -1 else if a > c then 1 else 0;
  splitByAndCompare = p: yes: no: a: c:
    if p a then (if p c then yes a c else -1) else (if p c then 1 else no a c);
  inherit (b) seq deepSeq typeOf functionArgs isBool isInt isFloat;
  isFunction = f: b.isFunction f || (f ? __functor && isFunction (f.__functor f));
  toFunction = v: if isFunction v then v else _: v;
  setFunctionArgs = f: args: { __functor = self: f; __functionArgs = args; };
  functionArgsOf = f:
    if f ? __functor then f.__functionArgs or (functionArgsOf (f.__functor f))
    else b.functionArgs f;
  mirrorFunctionArgs = f: g: setFunctionArgs g (b.functionArgs f);

  version = release + versionSuffix;
  release = "24.11";
  versionSuffix = "pre-standin";
  codeName = "Standin";
  oldestSupportedRelease = 2405;
  isInOldestRelease = rel: rel <= oldestSupportedRelease;
  inNixShell = b.getEnv "IN_NIX_SHELL" != "";
  inPureEvalMode = !(b ? currentSystem);

  importJSON = path: b.fromJSON (b.readFile path);
  importTOML = path: b.fromTOML (b.readFile path);

  warn = msg: v: b.trace "warning: ${msg}" v;
  warnIf = cond: msg: if cond then warn msg else id;
  warnIfNot = cond: msg: if cond then id else warn msg;
  throwIf = cond: msg: if cond then throw msg else id;
  throwIfNot = cond: msg: if cond then id else throw msg;
  info = msg: b.trace "INFO: ${msg}";
  showWarnings = warnings: res: lib.lists.foldr (w: x: warn w x) res warnings;
  checkListOfEnum = msg: valid: given:
    let unexpected = b.filter (x: !(b.elem x valid)) given; in
    if unexpected == [ ] then id
    else throw "${msg}: ${b.concatStringsSep ", " (map b.toString unexpected)} unexpected; valid ones: ${b.concatStringsSep ", " (map b.toString valid)}";

  toHexString = n:
    let
      digits = "0123456789ABCDEF";
      go = x: if x < 16 then b.substring x 1 digits
        else go (b.div x 16) + b.substring (mod x 16) 1 digits;
    in go n;
  fromHexString = s:
    let
      chars = lib.strings.stringToCharacters (lib.strings.toLower s);
      val = c: lib.lists.findFirstIndex (x: x == c) (throw "fromHexString: bad digit ${c}") (lib.strings.stringToCharacters "0123456789abcdef");
    in b.foldl' (acc: c: acc * 16 + val c) 0 chars;
}
