# Stand-in for nixpkgs lib.generators (only toPretty/toKeyValue/toINI-ish,
# written from the documented output format).
{ lib }:
let
  b = builtins;
  inherit (lib.strings) escapeNixString escapeNixIdentifier concatMapStringsSep;
in
rec {
  toPretty = { multiline ? true, indent ? "", allowPrettyValues ? false }:
    let
      go = ind: v:
        if lib.strings.stringLength ind > 20 then "..." else
        let
          nl = if multiline then "\n${ind}  " else " ";
          endNl = if multiline then "\n${ind}" else " ";
          t = b.typeOf v;
        in
        if t == "int" || t == "float" then toString v
        else if t == "bool" then (if v then "true" else "false")
        else if t == "null" then "null"
        else if t == "path" then toString v
        else if t == "string" then
          (if multiline && lib.strings.hasInfix "\n" v
           then "''" + nl + lib.concatStringsSep nl (lib.splitString "\n" (b.replaceStrings [ "''" "\${" ] [ "'''" "''\${" ] v)) + endNl + "''"
           else escapeNixString v)
        else if t == "lambda" then
          let fa = b.functionArgs v; in
          if fa == { } then "<function>"
          else "<function, args: {${lib.concatStringsSep ", " (map (n: n + (if fa.${n} then "?" else "")) (b.attrNames fa))}}>"
        else if t == "list" then
          (if v == [ ] then "[ ]" else "[" + nl + lib.concatStringsSep nl (map (go (ind + "  ")) v) + endNl + "]")
        else if t == "set" then
          (if v ? __pretty && allowPrettyValues then v.__pretty v.val
           else if (v.type or null) == "derivation" then "<derivation ${v.name or "???"}>"
           else if v ? _type && v._type == "literalExpression" then v.text
           else if v == { } then "{ }"
           else "{" + nl + lib.concatStringsSep nl (map (n: "${escapeNixIdentifier n} = ${go (ind + "  ") v.${n}};") (b.attrNames v)) + endNl + "}")
        else "<${t}>";
    in go indent;

  mkKeyValueDefault = { mkValueString ? mkValueStringDefault { } }: sep: k: v:
    "${lib.strings.escape [ sep ] k}${sep}${mkValueString v}";
  mkValueStringDefault = { }: v:
    if b.isBool v then lib.trivial.boolToString v
    else if b.isString v then v
    else if v == null then "null"
    else toString v;
  toKeyValue = { mkKeyValue ? mkKeyValueDefault { } "=", listsAsDuplicateKeys ? false, indent ? "" }: attrs:
    lib.concatStrings (lib.mapAttrsToList (k: v:
      if listsAsDuplicateKeys && b.isList v then lib.concatMapStrings (x: indent + mkKeyValue k x + "\n") v
      else indent + mkKeyValue k v + "\n") attrs);
  toINI = { mkSectionName ? (n: n), mkKeyValue ? mkKeyValueDefault { } "=", listsAsDuplicateKeys ? false }: attrs:
    lib.concatStringsSep "\n" (lib.mapAttrsToList (s: vals:
      "[${mkSectionName s}]\n" + toKeyValue { inherit mkKeyValue listsAsDuplicateKeys; } vals) attrs);
  toJSON = { }: b.toJSON;
  toYAML = { }: b.toJSON;
  withRecursion = { depthLimit, throwOnDepthLimit ? true }: v: v;
}
