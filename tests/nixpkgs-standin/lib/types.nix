# Stand-in for nixpkgs lib.types (written from the NixOS manual's "Option
# Types" chapter and the nixpkgs lib documentation).
#
# A type is an attrset { _type = "option-type"; name; description; check;
# merge = loc: defs: value; emptyValue; getSubOptions; getSubModules;
# substSubModules; typeMerge; functor; nestedTypes; deprecationMessage }.
# `merge` receives definitions { file; value; } whose mkIf/mkMerge/mkOverride
# wrappers have already been resolved and which already passed `check`.
{ lib }:
let
  b = builtins;
  inherit (b) length head tail elemAt all any isAttrs isList isString isInt
    isFloat isBool isFunction concatMap filter;
  inherit (lib.options) mergeDefaultOption mergeOneOption mergeUniqueOption
    mergeEqualOption getValues getFiles showOption showFiles showDefs;
  inherit (lib.strings) isStringLike isStorePath;

  # Type merging (used when one option is declared by several modules).
  # functor: { name; type; wrapped; payload; binOp; }
  defaultFunctor = name: { inherit name; type = types.${name} or null; wrapped = null; payload = null; binOp = a: c: null; };
  defaultTypeMerge = f: f':
    if f.name != f'.name then null
    else if f.payload != null && f'.payload != null then
      (let p = f.binOp f.payload f'.payload; in if p == null then null else f.type p)
    else if f.wrapped != null && f'.wrapped != null then
      (let w = f.wrapped.typeMerge f'.wrapped.functor; in if w == null then null else f.type w)
    else if f.payload == null && f'.payload == null && f.wrapped == null && f'.wrapped == null then f.type
    else null;

  # Call with a description for nesting, e.g. "list of (null or string)".
  optionDescriptionPhrase = unparenthesize: t:
    if unparenthesize (t.descriptionClass or null) then t.description else "(${t.description})";

  isType = type: x: (x._type or "") == type;

  mkOptionType =
    { name
    , description ? null
    , descriptionClass ? null
    , check ? (x: true)
    , merge ? mergeDefaultOption
    , emptyValue ? { }
    , getSubOptions ? (prefix: { })
    , getSubModules ? null
    , substSubModules ? (m: null)
    , typeMerge ? null
    , functor ? defaultFunctor name
    , deprecationMessage ? null
    , nestedTypes ? { }
    }:
    let
      self = {
        _type = "option-type";
        inherit name check merge emptyValue getSubOptions getSubModules
          substSubModules deprecationMessage nestedTypes descriptionClass;
        functor = functor // (if functor.type == null then { type = self; } else { });
        typeMerge = if typeMerge != null then typeMerge else defaultTypeMerge self.functor;
        description = if description == null then name else description;
      };
    in self;

  # Merge definitions as the module system does for one option (also used
  # for list/attrset elements). Exposed as lib.modules.mergeDefinitions.
  mergeDefinitions = loc: type: defs: lib.modules.mergeDefinitions loc type defs;

  intBetween = lo: hi: name: description: mkOptionType {
    inherit name;
    description = if description != null then description else "integer between ${toString lo} and ${toString hi} (both inclusive)";
    descriptionClass = "noun";
    check = x: isInt x && x >= lo && x <= hi;
    merge = mergeEqualOption;
  };
  unsignedBits = n: intBetween 0 (pow2 n - 1) "unsignedInt${toString n}"
    "${toString n} bit unsigned integer; between 0 and ${toString (pow2 n - 1)} (both inclusive)";
  signedBits = n: intBetween (0 - pow2 (n - 1)) (pow2 (n - 1) - 1) "signedInt${toString n}"
    "${toString n} bit signed integer; between ${toString (0 - pow2 (n - 1))} and ${toString (pow2 (n - 1) - 1)} (both inclusive)";
  pow2 = n: if n == 0 then 1 else 2 * pow2 (n - 1);

  # Generic string concatenation type.
  separatedString = sep: mkOptionType {
    name = "separatedString";
    description =
      if sep == "" then "Concatenated string"
      else "strings concatenated with ${b.toJSON sep}";
    descriptionClass = "noun";
    check = isString;
    merge = loc: defs: lib.concatStringsSep sep (getValues defs);
    functor = (defaultFunctor "separatedString") // {
      type = separatedString;
      payload = sep;
      binOp = s1: s2: if s1 == s2 then s1 else null;
    };
  };

  showEnumValue = v:
    if isString v then b.toJSON v
    else if isInt v || isFloat v then toString v
    else if isBool v then lib.trivial.boolToString v
    else if v == null then "null"
    else "<${b.typeOf v}>";

  types = rec {
    inherit isType mkOptionType defaultFunctor defaultTypeMerge optionDescriptionPhrase;
    isOptionType = isType "option-type";

    raw = mkOptionType {
      name = "raw";
      description = "raw value";
      descriptionClass = "noun";
      check = x: true;
      merge = mergeOneOption;
    };

    anything = mkOptionType {
      name = "anything";
      description = "anything";
      descriptionClass = "noun";
      check = x: true;
      merge = loc: defs:
        let
          kind = v: if isAttrs v && isStringLike v then "stringCoercibleSet" else b.typeOf v;
          k0 = kind (head defs).value;
          common = b.foldl'
            (k: d: if kind d.value == k then k
              else throw "The option `${showOption loc}' has conflicting option types in ${showFiles (getFiles defs)}")
            k0 defs;
        in
        if common == "set" then (attrsOf anything).merge loc defs
        # lists, like numbers and strings, must all be equal (the real lib since 2024-09)
        else if common == "stringCoercibleSet" then mergeOneOption loc defs
        else if common == "lambda" then
          (arg: anything.merge (loc ++ [ "<function body>" ]) (map (d: { inherit (d) file; value = d.value arg; }) defs))
        else mergeEqualOption loc defs;
    };

    unspecified = mkOptionType {
      name = "unspecified";
      description = "unspecified value";
      descriptionClass = "noun";
    };

    bool = mkOptionType {
      name = "bool";
      description = "boolean";
      descriptionClass = "noun";
      check = isBool;
      merge = mergeEqualOption;
    };

    boolByOr = mkOptionType {
      name = "boolByOr";
      description = "boolean (merged using or)";
      descriptionClass = "noun";
      check = isBool;
      merge = loc: defs: any (x: x) (getValues defs);
    };

    int = mkOptionType {
      name = "int";
      description = "signed integer";
      descriptionClass = "noun";
      check = isInt;
      merge = mergeEqualOption;
    };

    ints = rec {
      between = lo: hi:
        assert lib.asserts.assertMsg (lo <= hi) "ints.between: lowest must be smaller than highest";
        intBetween lo hi "intBetween" null;
      unsigned = (intBetween 0 9223372036854775807 "unsignedInt" "unsigned integer, meaning >=0") // {
        check = x: isInt x && x >= 0;
      };
      positive = (intBetween 1 9223372036854775807 "positiveInt" "positive integer, meaning >0") // {
        check = x: isInt x && x > 0;
      };
      u8 = unsignedBits 8;
      u16 = unsignedBits 16;
      u32 = unsignedBits 32;
      s8 = signedBits 8;
      s16 = signedBits 16;
      s32 = signedBits 32;
    };

    port = ints.u16;

    float = mkOptionType {
      name = "float";
      description = "floating point number";
      descriptionClass = "noun";
      check = isFloat;
      merge = mergeEqualOption;
    };

    number = either int float;

    numbers = {
      between = lo: hi: mkOptionType {
        name = "numberBetween";
        description = "integer or floating point number between ${toString lo} and ${toString hi} (both inclusive)";
        check = x: (isInt x || isFloat x) && x >= lo && x <= hi;
        merge = mergeEqualOption;
      };
      nonnegative = mkOptionType {
        name = "numberNonnegative";
        description = "nonnegative integer or floating point number, meaning >=0";
        check = x: (isInt x || isFloat x) && x >= 0;
        merge = mergeEqualOption;
      };
      positive = mkOptionType {
        name = "numberPositive";
        description = "positive integer or floating point number, meaning >0";
        check = x: (isInt x || isFloat x) && x > 0;
        merge = mergeEqualOption;
      };
    };

    str = mkOptionType {
      name = "str";
      description = "string";
      descriptionClass = "noun";
      check = isString;
      merge = mergeEqualOption;
    };

    nonEmptyStr = mkOptionType {
      name = "nonEmptyStr";
      description = "non-empty string";
      descriptionClass = "noun";
      check = x: isString x && b.match "[ \t\n]*" x == null;
      merge = mergeEqualOption;
    };

    singleLineStr = mkOptionType {
      name = "singleLineStr";
      description = "(optionally newline-terminated) single-line string";
      descriptionClass = "noun";
      check = x: isString x && b.match "[^\n]*\n?" x != null;
      merge = loc: defs: lib.strings.removeSuffix "\n" (mergeEqualOption loc defs);
    };

    strMatching = pattern: mkOptionType {
      name = "strMatching ${b.toJSON pattern}";
      description = "string matching the pattern ${pattern}";
      descriptionClass = "noun";
      check = x: isString x && b.match pattern x != null;
      merge = mergeEqualOption;
      functor = (defaultFunctor "strMatching") // {
        type = p: strMatching p;
        payload = pattern;
        binOp = p1: p2: if p1 == p2 then p1 else null;
      };
    };

    inherit separatedString;
    lines = separatedString "\n";
    commas = separatedString ",";
    envVar = separatedString ":";
    string = separatedString "" // { name = "string"; deprecationMessage = "See https://github.com/NixOS/nixpkgs/pull/66346 for better alternative types."; };

    passwdEntry = entryType: addCheck entryType (x: isString x && b.match ".*[:\n].*" x == null) // {
      name = "passwdEntry ${entryType.name}";
      description = "${optionDescriptionPhrase (c: c == "noun") entryType}, not containing newlines or colons";
    };

    attrs = mkOptionType {
      name = "attrs";
      description = "attribute set";
      check = isAttrs;
      merge = loc: b.foldl' (res: def: res // def.value) { };
      emptyValue = { value = { }; };
    };

    # A derivation, or a store path (string or path) turned into one.
    package = mkOptionType {
      name = "package";
      description = "package";
      descriptionClass = "noun";
      check = x: lib.attrsets.isDerivation x || isStorePath x;
      merge = loc: defs:
        let res = mergeOneOption loc defs; in
        if b.isPath res || (isString res && !(b.hasContext res)) then lib.attrsets.toDerivation res else res;
    };

    shellPackage = package // {
      check = x: lib.attrsets.isDerivation x && x ? shellPath;
    };

    pkgs = addCheck (unique { message = "A Nixpkgs pkgs set can not be merged with another pkgs set."; } attrs // {
      name = "pkgs";
      descriptionClass = "noun";
      description = "Nixpkgs package set";
    }) (x: (x._type or null) == "pkgs");

    path = mkOptionType {
      name = "path";
      description = "path";
      descriptionClass = "noun";
      check = x: isStringLike x && b.substring 0 1 (toString x) == "/";
      merge = mergeEqualOption;
    };
    pathInStore = mkOptionType {
      name = "pathInStore";
      description = "path in the Nix store";
      descriptionClass = "noun";
      check = x: isStringLike x && lib.strings.hasPrefix b.storeDir (toString x);
      merge = mergeEqualOption;
    };
    externalPath = mkOptionType {
      name = "externalPath";
      description = "absolute path, not in the Nix store";
      descriptionClass = "noun";
      check = x: isStringLike x && b.substring 0 1 (toString x) == "/" && !(lib.strings.hasPrefix b.storeDir (toString x));
      merge = mergeEqualOption;
    };

    listOf = elemType: mkOptionType rec {
      name = "listOf";
      description = "list of ${optionDescriptionPhrase (c: c == "noun" || c == "composite") elemType}";
      descriptionClass = "composite";
      check = isList;
      merge = loc: defs:
        map (x: x.value) (filter (x: x ? value) (b.concatLists (lib.lists.imap1
          (n: def:
            lib.lists.imap1
              (m: v: (mergeDefinitions (loc ++ [ "[definition ${toString n}-entry ${toString m}]" ]) elemType [{ inherit (def) file; value = v; }]).optionalValue)
              def.value)
          defs)));
      emptyValue = { value = [ ]; };
      getSubOptions = prefix: elemType.getSubOptions (prefix ++ [ "*" ]);
      getSubModules = elemType.getSubModules;
      substSubModules = m: listOf (elemType.substSubModules m);
      functor = (defaultFunctor name) // { type = listOf; wrapped = elemType; };
      nestedTypes.elemType = elemType;
    };

    nonEmptyListOf = elemType:
      let list = addCheck (listOf elemType) (l: l != [ ]); in
      list // {
        description = "non-empty ${optionDescriptionPhrase (c: c == "noun") list}";
        emptyValue = { };
        substSubModules = m: nonEmptyListOf (elemType.substSubModules m);
      };

    attrsOf = elemType: attrsWith { inherit elemType; };
    lazyAttrsOf = elemType: attrsWith { inherit elemType; lazy = true; };

    attrsWith = { elemType, lazy ? false, placeholder ? "name" }: mkOptionType {
      name = if lazy then "lazyAttrsOf" else "attrsOf";
      description = (if lazy then "lazy attribute set of " else "attribute set of ")
        + optionDescriptionPhrase (c: c == "noun" || c == "composite") elemType;
      descriptionClass = "composite";
      check = isAttrs;
      merge = loc: defs:
        let
          perName = b.zipAttrsWith
            (name: ds: mergeDefinitions (loc ++ [ name ]) elemType ds)
            (map (def: b.mapAttrs (n: v: { inherit (def) file; value = v; }) def.value) defs);
        in
        if lazy then
          b.mapAttrs
            (name: r:
              if r.isDefined then r.mergedValue
              else elemType.emptyValue.value or (r.mergedValue))
            perName
        else
          b.mapAttrs (n: r: r.mergedValue) (lib.attrsets.filterAttrs (n: r: r.isDefined) perName);
      emptyValue = { value = { }; };
      getSubOptions = prefix: elemType.getSubOptions (prefix ++ [ "<${placeholder}>" ]);
      getSubModules = elemType.getSubModules;
      substSubModules = m: attrsWith { elemType = elemType.substSubModules m; inherit lazy placeholder; };
      functor = (defaultFunctor (if lazy then "lazyAttrsOf" else "attrsOf")) // {
        type = if lazy then lazyAttrsOf else attrsOf;
        wrapped = elemType;
      };
      nestedTypes.elemType = elemType;
    };

    loaOf = attrsOf;

    uniq = unique { message = ""; };
    unique = { message }: elemType: mkOptionType rec {
      name = "unique";
      inherit (elemType) description descriptionClass check;
      merge = mergeUniqueOption { inherit message; };
      emptyValue = elemType.emptyValue;
      getSubOptions = elemType.getSubOptions;
      getSubModules = elemType.getSubModules;
      substSubModules = m: unique { inherit message; } (elemType.substSubModules m);
      functor = (defaultFunctor name) // { type = unique { inherit message; }; wrapped = elemType; };
      nestedTypes.elemType = elemType;
    };

    nullOr = elemType: mkOptionType rec {
      name = "nullOr";
      description = "null or ${optionDescriptionPhrase (c: c == "noun" || c == "conjunction") elemType}";
      descriptionClass = "conjunction";
      check = x: x == null || elemType.check x;
      merge = loc: defs:
        let nulls = length (filter (d: d.value == null) defs); in
        if nulls == length defs then null
        else if nulls != 0 then
          # (sic: the real lib closes the option name with a backtick here)
          throw "The option `${showOption loc}` is defined both null and not null, in ${showFiles (getFiles defs)}."
        else elemType.merge loc defs;
      emptyValue = { value = null; };
      getSubOptions = elemType.getSubOptions;
      getSubModules = elemType.getSubModules;
      substSubModules = m: nullOr (elemType.substSubModules m);
      functor = (defaultFunctor name) // { type = nullOr; wrapped = elemType; };
      nestedTypes.elemType = elemType;
    };

    functionTo = elemType: mkOptionType {
      name = "functionTo";
      description = "function that evaluates to a(n) ${optionDescriptionPhrase (c: c == "noun" || c == "composite") elemType}";
      descriptionClass = "composite";
      check = lib.trivial.isFunction;
      merge = loc: defs: arg:
        (mergeDefinitions (loc ++ [ "<function body>" ]) elemType
          (map (d: { inherit (d) file; value = d.value arg; }) defs)).mergedValue;
      getSubOptions = prefix: elemType.getSubOptions (prefix ++ [ "<function body>" ]);
      getSubModules = elemType.getSubModules;
      substSubModules = m: functionTo (elemType.substSubModules m);
      functor = (defaultFunctor "functionTo") // { type = functionTo; wrapped = elemType; };
      nestedTypes.elemType = elemType;
    };

    optionType = mkOptionType {
      name = "optionType";
      description = "optionType";
      descriptionClass = "noun";
      check = isType "option-type";
      merge = loc: defs:
        if length defs == 1 then (head defs).value
        else
          b.foldl'
            (t: d:
              let m = t.typeMerge d.value.functor; in
              if m == null then throw "The option `${showOption loc}' has conflicting types:${showDefs defs}" else m)
            (head defs).value (tail defs);
    };

    enum = values:
      mkOptionType rec {
        name = "enum";
        description =
          if values == [ ] then "impossible (empty enum)"
          else if length values == 1 then "value ${showEnumValue (head values)} (singular enum)"
          else "one of ${lib.concatMapStringsSep ", " showEnumValue values}";
        descriptionClass = if length values < 2 then "noun" else "conjunction";
        check = x: b.elem x values;
        merge = mergeEqualOption;
        functor = (defaultFunctor name) // {
          type = enum;
          payload = values;
          binOp = a: c: lib.lists.unique (a ++ c);
        };
      };

    either = t1: t2: mkOptionType rec {
      name = "either";
      description =
        if t1.descriptionClass or null == "nonRestrictiveClause" then
          "${optionDescriptionPhrase (c: c == "noun" || c == "conjunction") t2}, ${t1.description}"
        else
          "${optionDescriptionPhrase (c: c == "noun" || c == "conjunction") t1} or ${optionDescriptionPhrase (c: c == "noun" || c == "conjunction" || c == "composite") t2}";
      descriptionClass = "conjunction";
      check = x: t1.check x || t2.check x;
      merge = loc: defs:
        let vals = getValues defs; in
        if all t1.check vals then t1.merge loc defs
        else if all t2.check vals then t2.merge loc defs
        else mergeOneOption loc defs;
      typeMerge = f':
        if f'.name != "either" then null
        else
          let
            a = t1.typeMerge (elemAt f'.payload 0).functor;
            c = t2.typeMerge (elemAt f'.payload 1).functor;
          in if a == null || c == null then null else either a c;
      functor = (defaultFunctor name) // { type = p: either (elemAt p 0) (elemAt p 1); payload = [ t1 t2 ]; };
      nestedTypes.left = t1;
      nestedTypes.right = t2;
    };

    oneOf = ts:
      if ts == [ ] then throw "types.oneOf needs at least one type in its argument"
      else b.foldl' either (head ts) (tail ts);

    coercedTo = coercedType: coerceFunc: finalType:
      assert lib.asserts.assertMsg (coercedType.getSubModules == null)
        "coercedTo: coercedType must not have submodules (it's a ${coercedType.description})";
      mkOptionType rec {
        name = "coercedTo";
        description = "${optionDescriptionPhrase (c: c == "noun") finalType} or ${optionDescriptionPhrase (c: c == "noun") coercedType} convertible to it";
        check = x: (coercedType.check x && finalType.check (coerceFunc x)) || finalType.check x;
        merge = loc: defs:
          let coerce = v: if coercedType.check v then coerceFunc v else v; in
          finalType.merge loc (map (d: d // { value = coerce d.value; }) defs);
        emptyValue = finalType.emptyValue;
        getSubOptions = finalType.getSubOptions;
        getSubModules = finalType.getSubModules;
        substSubModules = m: coercedTo coercedType coerceFunc (finalType.substSubModules m);
        typeMerge = t: null;
        functor = (defaultFunctor name) // { wrapped = finalType; };
        nestedTypes.coercedType = coercedType;
        nestedTypes.finalType = finalType;
      };

    addCheck = elemType: check: elemType // { check = x: elemType.check x && check x; };

    # ---- modules as values ----------------------------------------------------

    submodule = modules: submoduleWith {
      shorthandOnlyDefinesConfig = true;
      modules = lib.lists.toList modules;
    };

    submoduleWith =
      { modules
      , specialArgs ? { }
      , shorthandOnlyDefinesConfig ? false
      , description ? null
      , class ? null
      }@attrs:
      let
        # Each definition becomes a module; with the shorthand flag a plain
        # attrset definition is taken as `config` only.
        defsToModules = defs: map
          ({ value, file }:
            if isAttrs value && shorthandOnlyDefinesConfig
            then { _file = file; config = value; }
            else { _file = file; imports = [ value ]; })
          defs;
        base = lib.modules.evalModules {
          inherit class specialArgs;
          modules = [{ _module.args.name = lib.modules.mkOptionDefault "‹name›"; }] ++ modules;
        };
        freeformType = base._module.freeformType;
        name = "submodule";
      in
      mkOptionType {
        inherit name;
        description =
          if description != null then description
          else if freeformType != null then freeformType.description
          else name;
        check = x: isAttrs x || isFunction x || path.check x;
        merge = loc: defs:
          (base.extendModules {
            modules = [{ _module.args.name = lib.lists.last loc; }] ++ defsToModules defs;
            prefix = loc;
          }).config;
        emptyValue = { value = { }; };
        getSubOptions = prefix:
          let o = (base.extendModules { inherit prefix; }).options; in
          if freeformType == null then o else o // { _freeformOptions = freeformType.getSubOptions prefix; };
        getSubModules = modules;
        substSubModules = m: submoduleWith (attrs // { modules = m; });
        nestedTypes = lib.attrsets.optionalAttrs (freeformType != null) { inherit freeformType; };
        functor = (defaultFunctor name) // {
          type = submoduleWith;
          payload = { inherit modules class specialArgs shorthandOnlyDefinesConfig description; };
          binOp = lhs: rhs: {
            modules = lhs.modules ++ rhs.modules;
            specialArgs =
              let common = b.intersectAttrs lhs.specialArgs rhs.specialArgs; in
              if common == { } then lhs.specialArgs // rhs.specialArgs
              else throw "A submoduleWith option is declared multiple times with the same specialArgs \"${toString (b.attrNames common)}\"";
            class =
              if lhs.class == null then rhs.class
              else if rhs.class == null || lhs.class == rhs.class then lhs.class
              else throw "A submoduleWith option is declared multiple times with conflicting class values \"${toString lhs.class}\" and \"${toString rhs.class}\".";
            shorthandOnlyDefinesConfig =
              if lhs.shorthandOnlyDefinesConfig == null then rhs.shorthandOnlyDefinesConfig
              else if rhs.shorthandOnlyDefinesConfig == null || lhs.shorthandOnlyDefinesConfig == rhs.shorthandOnlyDefinesConfig then lhs.shorthandOnlyDefinesConfig
              else throw "A submoduleWith option is declared multiple times with conflicting shorthandOnlyDefinesConfig values";
            description =
              if lhs.description == null then rhs.description
              else if rhs.description == null || lhs.description == rhs.description then lhs.description
              else throw "A submoduleWith option is declared multiple times with conflicting descriptions";
          };
        };
      };

    # A module that is not evaluated here: the merged value is a module that
    # imports every definition, to be passed to another evalModules.
    deferredModule = deferredModuleWith { };
    deferredModuleWith = { staticModules ? [ ] }@attrs: mkOptionType {
      name = "deferredModule";
      description = "module";
      descriptionClass = "noun";
      check = x: isAttrs x || isFunction x || path.check x;
      merge = loc: defs: {
        imports = staticModules ++ map
          (def: lib.modules.setDefaultModuleLocation "${def.file}, via option ${showOption loc}" def.value)
          defs;
      };
      inherit (submoduleWith { modules = staticModules; }) getSubOptions;
      getSubModules = staticModules;
      substSubModules = m: deferredModuleWith (attrs // { staticModules = m; });
      functor = (defaultFunctor "deferredModuleWith") // {
        type = deferredModuleWith;
        payload = { inherit staticModules; };
        binOp = lhs: rhs: { staticModules = lhs.staticModules ++ rhs.staticModules; };
      };
    };
  };
in
types
