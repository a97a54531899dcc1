# Stand-in for nixpkgs lib.strings (written from its documentation).
{ lib }:
let
  b = builtins;
  inherit (b) stringLength substring length elemAt filter;
in
rec {
  inherit (b) stringLength substring concatStringsSep isString replaceStrings
    toString match split hasContext unsafeDiscardStringContext;

  join = concatStringsSep;
  concatStrings = concatStringsSep "";
  concatMapStrings = f: list: concatStrings (map f list);
  concatImapStrings = f: list: concatStrings (lib.lists.imap1 f list);
  concatMapStringsSep = sep: f: list: concatStringsSep sep (map f list);
  concatImapStringsSep = sep: f: list: concatStringsSep sep (lib.lists.imap1 f list);
  concatLines = list: concatStrings (map (l: l + "\n") list);
  concatMapAttrsStringSep = sep: f: attrs: concatStringsSep sep (lib.attrsets.mapAttrsToList f attrs);
  intersperse = sep: list:
    if list == [ ] then [ ] else b.tail (b.concatMap (x: [ sep x ]) list);
  replicate = n: s: concatStrings (lib.lists.replicate n s);

  makeSearchPath = subDir: paths: concatStringsSep ":" (map (p: p + "/" + subDir) (filter (x: x != null) paths));
  makeSearchPathOutput = output: subDir: pkgs: makeSearchPath subDir (map (lib.attrsets.getOutput output) pkgs);
  makeLibraryPath = makeSearchPathOutput "lib" "lib";
  makeBinPath = makeSearchPathOutput "bin" "bin";

  optionalString = cond: s: if cond then s else "";

  hasPrefix = pref: str: substring 0 (stringLength pref) str == pref;
  hasSuffix = suffix: content:
    let lc = stringLength content; ls = stringLength suffix; in
    lc >= ls && substring (lc - ls) lc content == suffix;
  hasInfix = infix: content: b.match ".*${escapeRegex infix}.*" "${content}" != null;

  removePrefix = prefix: str:
    if hasPrefix prefix str then substring (stringLength prefix) (stringLength str) str else str;
  removeSuffix = suffix: str:
    if hasSuffix suffix str then substring 0 (stringLength str - stringLength suffix) str else str;

  stringToCharacters = s: b.genList (i: substring i 1 s) (stringLength s);
  stringAsChars = f: s: concatStrings (map f (stringToCharacters s));

  lowerChars = stringToCharacters "abcdefghijklmnopqrstuvwxyz";
  upperChars = stringToCharacters "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  toLower = replaceStrings upperChars lowerChars;
  toUpper = replaceStrings lowerChars upperChars;
  toSentenceCase = s: toUpper (substring 0 1 s) + toLower (substring 1 (-1) s);

  escape = chars: replaceStrings chars (map (c: "\\${c}") chars);
  escapeC = chars: replaceStrings chars (map (c: "\\x${lib.toLower (lib.trivial.toHexString (charToInt c))}") chars);
  charToInt = c: lib.trivial.fromHexString (builtins.substring 0 0 c + (lib.lists.findFirst (p: p.c == c) (throw "charToInt: unsupported") asciiTable).h);
  asciiTable = map (n: { h = lib.trivial.toHexString n; c = b.fromJSON "\"\\u00${let h = lib.trivial.toHexString n; in if stringLength h == 1 then "0" + h else h}\""; }) (lib.lists.range 1 127);

  escapeShellArg = arg:
    let s = toString arg; in
    if b.match "[[:alnum:],._+:@%/-]+" s != null then s
    else "'${replaceStrings [ "'" ] [ "'\\''" ] s}'";
  escapeShellArgs = concatMapStringsSep " " escapeShellArg;
  isValidPosixName = name: b.match "[a-zA-Z_][a-zA-Z0-9_]*" name != null;
  toShellVar = name: value:
    lib.throwIfNot (isValidPosixName name) "toShellVar: ${name} is not a valid shell variable name"
      "${name}=${escapeShellArg value}";
  toShellVars = vars: concatStringsSep "\n" (lib.attrsets.mapAttrsToList toShellVar vars);

  escapeRegex = escape (stringToCharacters "\\[{()^$?*+|.");
  escapeNixString = s: escape [ "$" ] (b.toJSON s);
  escapeNixIdentifier = s:
    if b.match "[a-zA-Z_][a-zA-Z0-9_'-]*" s != null && !(b.elem s nixKeywords) then s else escapeNixString s;
  nixKeywords = [ "if" "then" "else" "assert" "with" "let" "in" "rec" "inherit" "or" ];
  escapeXML = replaceStrings [ "\"" "'" "<" ">" "&" ] [ "&quot;" "&apos;" "&lt;" "&gt;" "&amp;" ];
  escapeURL = s: s;

  splitString = sep: s:
    let parts = b.split (escapeRegex (toString sep)) (toString s); in
    map (p: addContextFrom s p) (filter b.isString parts);
  addContextFrom = src: target: substring 0 0 src + target;

  trim = trimWith { start = true; end = true; };
  trimWith = { start ? false, end ? false }: s:
    let
      re =
        if start && end then "[[:space:]]*(.*[^[:space:]])[[:space:]]*"
        else if start then "[[:space:]]*(.*)"
        else if end then "(.*[^[:space:]])[[:space:]]*"
        else "(.*)";
      m = b.match re s;
    in if m == null then "" else b.head m;

  fixedWidthString = width: filler: str:
    let l = stringLength str; in
    assert l <= width;
    if l == width then str else filler + fixedWidthString (width - 1) filler str;
  fixedWidthNumber = width: n: fixedWidthString width "0" (toString n);

  versionOlder = v1: v2: b.compareVersions v2 v1 == 1;
  versionAtLeast = v1: v2: !(versionOlder v1 v2);
  getName = x: (b.parseDrvName (if b.isString x then x else x.name)).name;
  getVersion = x: (b.parseDrvName (if b.isString x then x else x.name)).version;

  nameFromURL = url: sep:
    let comps = splitString "/" url; filename = lib.lists.last comps; in
    b.head (splitString sep filename);

  enableFeature = flag: feat: "--${if flag then "enable" else "disable"}-${feat}";
  withFeature = flag: feat: "--${if flag then "with" else "without"}-${feat}";
  mesonBool = feat: flag: "-D${feat}=${if flag then "true" else "false"}";
  mesonOption = feat: value: "-D${feat}=${value}";
  mesonEnable = feat: flag: "-D${feat}=${if flag then "enabled" else "disabled"}";
  cmakeBool = feat: flag: "-D${feat}:BOOL=${if flag then "TRUE" else "FALSE"}";

  isStringLike = x: b.isString x || b.isPath x || (b.isAttrs x && (x ? outPath || x ? __toString));
  isCoercibleToString = isStringLike;
  isStorePath = x:
    if isStringLike x then
      let s = toString x; in
      b.substring 0 1 s == "/" && dirOf s == b.storeDir
    else false;
  isConvertibleWithToString = x: isStringLike x || b.elem (b.typeOf x) [ "null" "int" "float" "bool" ] || (b.isList x && b.all isConvertibleWithToString x);

  toInt = s:
    let m = b.match "[[:space:]]*(-?[0-9]+)[[:space:]]*" s; in
    if m == null then throw "toInt: could not convert ${b.toJSON s} to int."
    else
      let digits = b.head m; neg = hasPrefix "-" digits; d = removePrefix "-" digits; n = b.fromJSON (let t = lib.lists.findFirstIndex (c: c != "0") (stringLength d - 1) (stringToCharacters d); in substring t (-1) d); in
      if neg then 0 - n else n;
  toIntBase10 = toInt;

  readPathsFromFile = rootPath: file:
    map (l: rootPath + "/${l}") (filter (l: l != "") (splitString "\n" (b.readFile file)));
  fileContents = file: removeSuffix "\n" (b.readFile file);

  sanitizeDerivationName = s:
    let r = replaceStrings [ " " ] [ "-" ] s; in
    if r == "" then "unknown" else r;

  # Edit distance (insertions, deletions, substitutions), one row of the table at a time.
  levenshtein = a: c:
    let
      xs = stringToCharacters a;
      ys = stringToCharacters c;
      firstRow = b.genList (j: j) (length ys + 1);
      nextRow = prev: i: x:
        b.foldl'
          (row: j:
            let
              del = b.elemAt prev (j + 1) + 1;
              ins = b.elemAt row j + 1;
              sub = b.elemAt prev j + (if x == b.elemAt ys j then 0 else 1);
            in row ++ [ (lib.trivial.min sub (lib.trivial.min del ins)) ])
          [ (i + 1) ]
          (b.genList (j: j) (length ys));
      last = b.foldl' (acc: x: { i = acc.i + 1; row = nextRow acc.row acc.i x; }) { i = 0; row = firstRow; } xs;
    in lib.lists.last last.row;
  levenshteinAtMost = n: a: c: levenshtein a c <= n;

  normalizePath = s: b.foldl' (x: y: if y == "/" && hasSuffix "/" x then x else x + y) "" (stringToCharacters s);

  concatStringsSep' = concatStringsSep;
}
