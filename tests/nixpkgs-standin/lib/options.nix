# Stand-in for nixpkgs lib.options (written from its documentation).
{ lib }:
let
  b = builtins;
  inherit (b) length head tail all isList isAttrs isString isBool isInt;
in
rec {
  isOption = v: isAttrs v && (v._type or null) == "option";

  # Declare an option. All attributes are kept; `_type` marks it as an option.
  mkOption =
    { default ? null, defaultText ? null, example ? null, description ? null
    , relatedPackages ? null, type ? null, apply ? null, internal ? null
    , visible ? null, readOnly ? null
    }@attrs:
    attrs // { _type = "option"; };

  mkEnableOption = name: mkOption {
    default = false;
    example = true;
    description = "Whether to enable ${name}.";
    type = lib.types.bool;
  };

  mkPackageOption = pkgs: name:
    { nullable ? false, default ? null, example ? null, extraDescription ? "", pkgsText ? "pkgs" }:
    let
      namePath = if isList name then name else [ name ];
      defaultPath = if default == null then namePath else if isList default then default else [ default ];
      defaultText = "${pkgsText}." + lib.concatStringsSep "." defaultPath;
      defaultValue = lib.attrsets.attrByPath defaultPath
        (throw "${defaultText} cannot be found in ${pkgsText}") pkgs;
      hasDefault = default != null || !nullable;
    in
    mkOption ({
      type = if nullable then lib.types.nullOr lib.types.package else lib.types.package;
      description = "The ${lib.concatStringsSep "." namePath} package to use." + (if extraDescription == "" then "" else " " + extraDescription);
    } // lib.attrsets.optionalAttrs hasDefault {
      default = defaultValue;
      defaultText = literalExpression defaultText;
    } // lib.attrsets.optionalAttrs (example != null) {
      example = if isString example then literalExpression "${pkgsText}.${example}" else example;
    });

  mkEnableOption' = mkEnableOption;

  # An option that accepts (and ignores) any definitions below it.
  mkSinkUndeclaredOptions = attrs: mkOption ({
    internal = true;
    visible = false;
    default = false;
    description = "Sink for option definitions.";
    type = lib.types.mkOptionType {
      name = "sink";
      check = x: true;
      merge = loc: defs: false;
    };
    apply = x: throw "Option value is not readable because the option is not declared.";
  } // attrs);

  # ---- merge helpers used by option types ---------------------------------

  getValues = map (d: d.value);
  getFiles = map (d: d.file);

  mergeDefaultOption = loc: defs:
    let vals = getValues defs; in
    if length vals == 1 then head vals
    else if all lib.trivial.isFunction vals then x: mergeDefaultOption loc (map (d: d // { value = d.value x; }) defs)
    else if all isList vals then b.concatLists vals
    else if all isAttrs vals then b.foldl' (acc: v: acc // v) { } vals
    else if all isBool vals then b.any (x: x) vals
    else if all isString vals then lib.concatStrings vals
    else if all isInt vals && all (x: x == head vals) vals then head vals
    else throw "Cannot merge definitions of `${showOption loc}'. Definition values:${showDefs defs}";

  mergeOneOption = mergeUniqueOption { message = ""; };

  mergeUniqueOption = { message }: loc: defs:
    if length defs == 1 then (head defs).value
    else
      assert length defs > 1;
      throw "The option `${showOption loc}' is defined multiple times while it's expected to be unique.\n${message}\nDefinition values:${showDefs defs}\n${prioritySuggestion}";

  prioritySuggestion = ''
    Use `lib.mkForce value` or `lib.mkDefault value` to change the priority on any of these definitions.
  '';

  # All definitions must be equal; otherwise report the first conflicting pair.
  mergeEqualOption = loc: defs:
    if defs == [ ] then throw "mergeEqualOption: no definitions for `${showOption loc}' (internal error)"
    else if length defs == 1 then (head defs).value
    else
      # Functions are never equal (Nix's `==`), so two function definitions always conflict.
      let
        first = head defs;
        bad = b.filter (d: d.value != first.value) (tail defs);
      in
      if bad == [ ] then first.value
      else throw "The option `${showOption loc}' has conflicting definition values:${showDefs [ first (head bad) ]}\n${prioritySuggestion}";

  # ---- documentation helpers ------------------------------------------------

  literalExpression = text:
    if !isString text then throw "literalExpression expects a string."
    else { _type = "literalExpression"; inherit text; };
  literalMD = text:
    if !isString text then throw "literalMD expects a string."
    else { _type = "literalMD"; inherit text; };

  # ---- printing -------------------------------------------------------------

  showOption = parts:
    let
      special = [ "<name>" "*" "<function body>" ];
      part = p: if b.elem p special then p else lib.strings.escapeNixIdentifier p;
    in lib.concatStringsSep "." (map part parts);

  showFiles = files: lib.concatStringsSep " and " (map (f: "`${f}'") files);

  # "\n- In `file': value" per definition; values that fail to evaluate are
  # omitted, long values are cut to 5 lines.
  showDefs = defs: lib.concatMapStrings
    (def:
      let
        pretty = b.tryEval (lib.generators.toPretty { } def.value);
        lines = b.filter isString (b.split "\n" pretty.value);
        shown = lib.concatStringsSep "\n    " (lib.lists.take 5 lines ++ lib.lists.optional (length lines > 5) "...");
        suffix =
          if !pretty.success then ""
          else if length lines > 1 then ":\n    " + shown
          else ": " + shown;
      in "\n- In `${def.file}'${suffix}")
    defs;

  unknownModule = "<unknown-file>";

  scrubOptionValue = x:
    if lib.attrsets.isDerivation x then { type = "derivation"; drvPath = x.name; outPath = x.name; name = x.name; }
    else if isList x then map scrubOptionValue x
    else if isAttrs x then b.mapAttrs (n: v: scrubOptionValue v) (removeAttrs x [ "_args" ])
    else x;

  renderOptionValue = v:
    if v ? _type && b.elem v._type [ "literalExpression" "literalMD" ] then v
    else literalExpression (lib.generators.toPretty { } v);

  # Flatten an `options` tree into a list of documentation entries.
  optionAttrSetToDocList = optionAttrSetToDocList' [ ];
  optionAttrSetToDocList' = _: options:
    b.concatMap
      (opt:
        let
          subOptions = opt.type.getSubOptions opt.loc;
          doc = {
            name = showOption opt.loc;
            description = opt.description or null;
            declarations = opt.declarations or [ ];
            internal = opt.internal or false;
            visible = opt.visible or true;
            readOnly = opt.readOnly or false;
            type = opt.type.description or "unspecified";
            loc = opt.loc;
          }
          // lib.attrsets.optionalAttrs (opt ? example) { example = renderOptionValue opt.example; }
          // lib.attrsets.optionalAttrs (opt ? defaultText || opt ? default) { default = renderOptionValue (opt.defaultText or opt.default); };
        in [ doc ] ++ (if subOptions != { } then optionAttrSetToDocList' opt.loc subOptions else [ ]))
      (lib.attrsets.collect isOption options);
}
