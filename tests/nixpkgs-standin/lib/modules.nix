# Stand-in for nixpkgs lib.modules: the module system (written from the
# NixOS manual chapter "Writing NixOS Modules" and the nixpkgs lib docs).
#
# Overview of evalModules:
#   1. collect: load every module (import paths, call functions with their
#      arguments, normalise the shorthand form), follow `imports` with
#      builtins.genericClosure (deduplicated by key), drop disabledModules,
#      and reverse the list, as the real lib does: definitions of one option
#      are merged last module first, a module's imports after the module
#      (so `[ defaults node ]` gives node's list elements first);
#   2. walk the tree of option declarations; at each namespace the
#      definitions are split by attribute name after pushing mkIf/mkMerge/
#      mkOverride down one level (so attribute names are known without
#      evaluating any mkIf condition);
#   3. at an option: add the default as a priority-1500 definition, resolve
#      properties, keep the highest-priority (lowest number) definitions,
#      sort by mkOrder, type-check and merge with the option's type.
{ lib }:
let
  b = builtins;
  inherit (b) length head tail filter concatMap isAttrs isList isString isPath isBool;
  inherit (lib.options) showOption showDefs showFiles isOption mkOption;
  inherit (lib.attrsets) setAttrByPath getAttrFromPath attrByPath optionalAttrs;
  types = lib.types;

  # ---- properties -------------------------------------------------------------

  defaultOverridePriority = 100;
  defaultOrderPriority = 1000;

  mkIf = condition: content: { _type = "if"; inherit condition content; };
  mkAssert = assertion: message: content:
    mkIf (if assertion then true else throw "\nFailed assertion: ${message}") content;
  mkMerge = contents: { _type = "merge"; inherit contents; };
  mkOverride = priority: content: { _type = "override"; inherit priority content; };
  mkOptionDefault = mkOverride 1500;
  mkDefault = mkOverride 1000;
  mkImageMediaOverride = mkOverride 60;
  mkForce = mkOverride 50;
  mkVMOverride = mkOverride 10;
  mkOrder = priority: content: { _type = "order"; inherit priority content; };
  mkBefore = mkOrder 500;
  mkAfter = mkOrder 1500;
  mkFixStrictness = x: x;

  propType = v: if isAttrs v then v._type or "" else "";

  # Turn a namespace-level definition into a list of attrsets, moving the
  # properties onto each attribute.
  pushDownProperties = cfg:
    let t = propType cfg; in
    if t == "merge" then concatMap pushDownProperties cfg.contents
    else if t == "if" then map (b.mapAttrs (n: v: mkIf cfg.condition v)) (pushDownProperties cfg.content)
    else if t == "override" then map (b.mapAttrs (n: v: mkOverride cfg.priority v)) (pushDownProperties cfg.content)
    else [ cfg ];

  # Resolve properties of a leaf definition into records
  # { value; priority; order; } (mkIf false yields nothing).
  dischargeRecords = v:
    let t = propType v; in
    if t == "merge" then concatMap dischargeRecords v.contents
    else if t == "if" then
      (if !isBool v.condition then throw "‘mkIf’ called with a non-Boolean condition"
       else if v.condition then dischargeRecords v.content else [ ])
    else if t == "override" then map (r: { priority = v.priority; } // r) (dischargeRecords v.content)
    else if t == "order" then map (r: { order = v.priority; } // r) (dischargeRecords v.content)
    else [ { value = v; } ];

  dischargeProperties = v: map (r: r.value) (dischargeRecords v);

  filterOverrides = defs: (filterOverrides' defs).values;
  filterOverrides' = defs:
    let
      prio = d: if propType d.value == "override" then d.value.priority else defaultOverridePriority;
      highestPrio = b.foldl' (p: d: lib.trivial.min p (prio d)) 9999 defs;
      strip = d: if propType d.value == "override" then d // { value = d.value.content; } else d;
    in { values = concatMap (d: if prio d == highestPrio then [ (strip d) ] else [ ]) defs; inherit highestPrio; };

  sortProperties = defs:
    let
      strip = d: if propType d.value == "order" then d // { value = d.value.content; inherit (d.value) priority; } else d;
      indexed = lib.lists.imap0 (i: d: { i = i; d = strip d; }) defs;
      ord = x: x.d.priority or defaultOrderPriority;
    in map (x: x.d) (b.sort (x: y: ord x < ord y || (ord x == ord y && x.i < y.i)) indexed);

  # ---- merging the definitions of one option -----------------------------------

  mergeDefinitions = loc: type: defs:
    let
      records = concatMap
        (d: map (r: { inherit (d) file; priority = r.priority or defaultOverridePriority; order = r.order or defaultOrderPriority; inherit (r) value; })
          (b.addErrorContext "while evaluating definitions from `${d.file}':" (dischargeRecords d.value)))
        defs;
      highestPrio = b.foldl' (p: r: lib.trivial.min p r.priority) 9999 records;
      top = filter (r: r.priority == highestPrio) records;
      indexed = lib.lists.imap0 (i: r: r // { i = i; }) top;
      sorted =
        if b.any (r: r.order != defaultOrderPriority) top
        then b.sort (x: y: x.order < y.order || (x.order == y.order && x.i < y.i)) indexed
        else top;
      defsFinal = map (r: { inherit (r) file value; }) sorted;
      isDefined = defsFinal != [ ];
      mergedValue =
        if !isDefined then
          throw "The option `${showOption loc}' was accessed but has no value defined. Try setting the option."
        else if b.all (d: type.check d.value) defsFinal then type.merge loc defsFinal
        else
          throw "A definition for option `${showOption loc}' is not of type `${type.description}'. Definition values:${showDefs (filter (d: !type.check d.value) defsFinal)}";
    in
    {
      inherit defsFinal isDefined mergedValue highestPrio;
      defsFinal' = { values = defsFinal; inherit highestPrio; };
      optionalValue = if isDefined then { value = mergedValue; } else { };
    };

  evalOptionValue = loc: opt: defs:
    let
      defs' = lib.lists.optional (opt ? default) { file = head opt.declarations; value = mkOptionDefault opt.default; } ++ defs;
      res =
        if (opt.readOnly or false) == true && length defs' > 1 then
          throw "The option `${showOption loc}' is read-only, but it's set multiple times. Definition values:${showDefs (map (d: d // { value = (mergeDefinitions loc opt.type [ d ]).mergedValue; }) defs')}"
        else mergeDefinitions loc opt.type defs';
      value = if (opt.apply or null) != null then opt.apply res.mergedValue else res.mergedValue;
      warnDeprecated =
        if opt.type.deprecationMessage or null == null then (x: x)
        else b.trace "warning: The type `types.${opt.type.name}' of option `${showOption loc}' defined in ${showFiles opt.declarations} is deprecated. ${opt.type.deprecationMessage}";
    in
    opt // {
      value = warnDeprecated (b.addErrorContext "while evaluating the option `${showOption loc}':" value);
      inherit (res) isDefined highestPrio;
      definitions = map (d: d.value) res.defsFinal;
      definitionsWithLocations = res.defsFinal;
      files = map (d: d.file) res.defsFinal;
    };

  # Merge several declarations of the same option.
  mergeOptionDecls = loc: decls:
    let
      alreadyDeclared = d: res:
        throw "The option `${showOption loc}' in `${d.file}' is already declared in ${showFiles res.declarations}.";
      step = res: d:
        let o = d.value; in
        if !isOption o then
          (if !isAttrs o then throw "The option declaration `${showOption loc}' in `${d.file}' is not an option or an attribute set of options."
           else res // {
             declarations = res.declarations ++ [ d.file ];
             nested = res.nested ++ map (n: " - option(s) with prefix `${showOption (loc ++ [ n ])}' in module `${d.file}'") (b.attrNames o);
             subModules = [ (lib.modules.setDefaultModuleLocation d.file { options = o; }) ] ++ res.subModules;
           })
        else if b.any (k: o ? ${k} && res ? ${k}) [ "default" "example" "description" "apply" ] then alreadyDeclared d res
        else
          let
            typeAttr =
              if !(o ? type) || o.type == null then { }
              else if !(res ? type) then { type = o.type; }
              else
                let m = res.type.typeMerge o.type.functor; in
                if m == null then alreadyDeclared d res else { type = m; };
            clean = removeAttrs o [ "_type" "type" ];
            noNulls = lib.attrsets.filterAttrs (n: v: v != null || n == "default" || n == "example") clean;
            # a later declaration's submodules come first in the merged type's module list
            subModules = lib.lists.optionals (o ? type && o.type != null && o.type.getSubModules != null)
              (map (lib.modules.setDefaultModuleLocation d.file) o.type.getSubModules);
          in noNulls // res // typeAttr // {
            declarations = res.declarations ++ [ d.file ];
            optionFiles = res.optionFiles ++ [ d.file ];
            subModules = subModules ++ res.subModules;
          };
      merged = b.foldl' step { _type = "option"; declarations = [ ]; optionFiles = [ ]; nested = [ ]; subModules = [ ]; } decls;
      baseType = merged.type or types.unspecified;
      # Options nested under an option are only accepted by submodule types.
      finalType =
        if merged.nested != [ ] && baseType.name != "submodule" then
          throw "The option `${showOption loc}' in module `${head merged.optionFiles}' would be a parent of the following options, but its type `${baseType.description or "<no description>"}' does not support nested options.\n${lib.concatStringsSep "\n" (b.sort (x: y: x < y) merged.nested)}"
        else if baseType.getSubModules != null then baseType.substSubModules merged.subModules
        else baseType;
    in
    removeAttrs merged [ "optionFiles" "nested" "subModules" ] // { type = finalType; inherit loc; };

  # ---- the declaration tree -----------------------------------------------------

  byName = list: b.zipAttrsWith (n: ds: ds)
    (map (d: b.mapAttrs (n: v: { inherit (d) file; value = v; }) d.value) list);

  evalNode = loc: decls: defs:
    if b.any (d: isOption d.value) decls then
      let opt = evalOptionValue loc (mergeOptionDecls loc decls) defs; in
      { isOption = true; option = opt; config = opt.value; unmatched = [ ]; }
    else
      let
        declsByName = byName (map
          (d: if isAttrs d.value then d
            else throw "The option declaration `${showOption loc}' in `${d.file}' is not an option or an attribute set of options.")
          decls);
        pushed = concatMap
          (d: map
            (v:
              if isAttrs v then { inherit (d) file; value = v; }
              else throw "The option path `${showOption loc}' is an attribute set of options, but it is defined to not be an attribute set. Definition values:${showDefs [ { inherit (d) file; value = v; } ]}")
            (pushDownProperties d.value))
          defs;
        defsByName = byName pushed;
        children = b.mapAttrs (n: ds: evalNode (loc ++ [ n ]) ds (defsByName.${n} or [ ])) declsByName;
        # by name (alphabetically), as the real lib reports the first one
        unmatched = concatMap
          (n:
            if children ? ${n} then map (u: u // { prefix = [ n ] ++ u.prefix; }) children.${n}.unmatched
            else map (d: { inherit (d) file value; prefix = [ n ]; }) defsByName.${n})
          (b.attrNames (children // defsByName));
      in
      {
        isOption = false;
        options = b.mapAttrs (n: c: if c.isOption then c.option else c.options) children;
        config = b.mapAttrs (n: c: c.config) children;
        inherit unmatched;
      };

  # ---- collecting modules -------------------------------------------------------

  applyModuleArgs = key: f: args:
    let
      extra = b.mapAttrs
        (name: _: b.addErrorContext "while evaluating the module argument `${name}' in \"${key}\":"
          (args.${name} or args.config._module.args.${name}))
        (lib.trivial.functionArgsOf f);
    in f (args // extra);

  structuredKeys = [ "_class" "_file" "key" "disabledModules" "imports" "options" "config" "meta" "freeformType" ];

  unifyModuleSyntax = file: key: m:
    let
      addMeta = c: if m ? meta then mkMerge [ c { meta = m.meta; } ] else c;
      addFreeform = c: if m ? freeformType then mkMerge [ c { _module.freeformType = m.freeformType; } ] else c;
      common = {
        _file = toString (m._file or file);
        _class = m._class or null;
        key = toString (m.key or key);
        disabledModules = m.disabledModules or [ ];
      };
    in
    if m ? config || m ? options then
      let bad = removeAttrs m structuredKeys; in
      if bad != { } then
        throw "Module `${key}' has an unsupported attribute `${head (b.attrNames bad)}'. This is caused by introducing a top-level `config' or `options' attribute. Add configuration attributes immediately on the top level instead, or move all of them (namely: ${toString (b.attrNames bad)}) into the explicit `config' attribute."
      else common // {
        imports = m.imports or [ ];
        options = m.options or { };
        config = addFreeform (addMeta (m.config or { }));
      }
    else common // {
      imports = m.imports or m.require or [ ];
      options = { };
      config = addFreeform (removeAttrs m [ "_class" "_file" "key" "disabledModules" "require" "imports" "freeformType" ]);
    };

  loadModule = args: fallbackFile: fallbackKey: m:
    if lib.trivial.isFunction m then
      unifyModuleSyntax fallbackFile fallbackKey (applyModuleArgs fallbackKey m args)
    else if isAttrs m then
      (let t = m._type or "module"; in
        if t == "module" then unifyModuleSyntax fallbackFile fallbackKey m
        else if t == "if" || t == "override" then loadModule args fallbackFile fallbackKey { config = m; }
        else throw (notAModule fallbackFile args._prefix t))
    else if isList m then
      throw "Module imports can't be nested lists. Perhaps you meant to remove one level of lists? Definitions: ${showDefs [ { file = fallbackFile; value = m; } ]}"
    else
      let
        file = toString m;
        imported = import m;
      in unifyModuleSyntax file file (if lib.trivial.isFunction imported then applyModuleArgs file imported args else imported);

  # The real lib's message for a value that is not a module (e.g. a bare mkMerge, whose
  # contents belong in `config = mkMerge [ ... ];`), with its terminal highlighting.
  notAModule = file: prefix: t:
    let
      esc = b.fromJSON "\"\\u001b\"";
      bold = s: "${esc}[1m${s}${esc}[0m";
      purple = s: "${esc}[1;35m${s}${esc}[0m";
      intoFile = lib.strings.optionalString (file != null && file != lib.options.unknownModule) ", while trying to load a module into ${toString file}";
      intoPrefix = lib.strings.optionalString (prefix != [ ]) ", while trying to load a module into ${bold (showOption prefix)}";
    in
    "Expected a module, but found a value of type ${purple (lib.strings.escapeNixString t)}${intoFile}${intoPrefix}.\n"
    + "A module is typically loaded by adding it to the ${bold "imports = [ ... ];"} attribute of an existing module, or in the ${bold "modules = [ ... ];"} argument of various functions.\n"
    + "Please make sure that each of the list items is a module, and not a different kind of value.";

  collectModules = class: modulesPath: args: modules:
    let
      checkClass = m:
        if class != null && m._class != null && m._class != class
        then throw "The module `${m._file}' (class ${b.toJSON m._class}) cannot be imported into a module evaluation that expects class ${b.toJSON class}."
        else m;
      load = file: key: m: checkClass (loadModule args file key m);
      children = m: lib.lists.imap1 (n: x: load m._file "${m.key}:anon-${toString n}" x) m.imports;
      roots = lib.lists.imap1 (n: x: load lib.options.unknownModule ":anon-${toString n}" x) modules;
      all1 = b.genericClosure { startSet = roots; operator = children; };
      disabledKey = x:
        if isPath x then toString x
        else if isString x then (if lib.strings.hasPrefix "/" x then x else "${toString modulesPath}/${x}")
        else if isAttrs x && x ? key then toString x.key
        else throw "Each disabledModules item must be a path, string, or an attribute set with a key attribute.";
      disabled = map disabledKey (concatMap (m: m.disabledModules) all1);
      keep = m: !(b.elem m.key disabled);
    in
    if disabled == [ ] then all1
    else b.genericClosure { startSet = filter keep roots; operator = m: filter keep (children m); };

  # ---- evalModules --------------------------------------------------------------

  evalModules = evalArgs@{ modules, prefix ? [ ], args ? { }, specialArgs ? { }, class ? null, check ? true }:
    let
      internalModule = rec {
        _file = "lib/modules.nix";
        key = _file;
        options = {
          _module.args = mkOption {
            type = types.lazyAttrsOf types.raw;
            internal = true;
            description = "Additional arguments passed to each module (in addition to `lib`, `config`, `options` and specialArgs).";
          };
          _module.check = mkOption {
            type = types.bool;
            internal = true;
            default = true;
            description = "Whether to check that all option definitions have matching declarations.";
          };
          _module.freeformType = mkOption {
            type = types.nullOr types.optionType;
            internal = true;
            default = null;
            description = "If set, definitions without a declaration are merged with this type.";
          };
          _module.specialArgs = mkOption {
            readOnly = true;
            internal = true;
            description = "The specialArgs given to evalModules.";
          };
        };
        config = {
          _module.args = { inherit extendModules; moduleType = type; } // args;
          _module.check = mkDefault check;
          _module.specialArgs = specialArgs;
        };
      };

      moduleArgs = { inherit lib options config specialArgs; _class = class; _prefix = prefix; } // specialArgs;

      collected = lib.lists.reverseList (collectModules class (specialArgs.modulesPath or "") moduleArgs (modules ++ [ internalModule ]));

      tree = evalNode prefix
        (map (m: { file = m._file; value = m.options; }) collected)
        (map (m: { file = m._file; value = m.config; }) collected);

      options = tree.options;
      declaredConfig = tree.config;
      config =
        if declaredConfig._module.freeformType == null then declaredConfig
        else lib.attrsets.recursiveUpdate
          (declaredConfig._module.freeformType.merge prefix
            (map (u: { inherit (u) file; value = setAttrByPath u.prefix u.value; }) tree.unmatched))
          declaredConfig;

      # Like the real lib: the first undefined option (by name), with up to three declared
      # siblings nearest by edit distance, or a hint when nothing at all is declared.
      checkUnmatched =
        if config._module.check && config._module.freeformType == null && tree.unmatched != [ ] then
          let
            u = head tree.unmatched;
            parent = lib.lists.init u.prefix;
            absParent = prefix ++ parent;
            wrong = lib.lists.last u.prefix;
            siblings = b.attrNames (attrByPath parent { } options);
            candidates = if parent == [ ] then lib.lists.remove "_module" siblings else siblings;
            nearest = lib.lists.take 3 (lib.lists.sortOn (lib.strings.levenshtein wrong)
              (if length candidates < 100 then candidates else filter (lib.strings.levenshteinAtMost 2 wrong) candidates));
            quote = n: "`${showOption (absParent ++ [ n ])}'";
            suggestion =
              if nearest == [ ] then ""
              else if length nearest == 1 then "\n\nDid you mean ${quote (head nearest)}?"
              else "\n\nDid you mean ${lib.concatMapStringsSep ", " quote (lib.lists.init nearest)} or ${quote (lib.lists.last nearest)}?";
            message = "The option `${showOption (prefix ++ u.prefix)}' does not exist. Definition values:${showDefs [ u ]}${suggestion}";
          in
          if b.attrNames options != [ "_module" ] then throw message
          else if prefix == [ ] then
            throw "${message}\n\nIt seems as if you're trying to declare an option by placing it into `config' rather than `options'!\n"
          else
            throw "${message}\n\nHowever there are no options defined in `${showOption prefix}'. Are you sure you've\ndeclared your options properly? This can happen if you e.g. declared your options in `types.submodule'\nunder `config' rather than `options'.\n"
        else null;
      checked = b.seq checkUnmatched;

      extendModules = extendArgs@{ modules ? [ ], specialArgs ? { }, prefix ? [ ] }:
        evalModules (evalArgs // {
          modules = evalArgs.modules ++ modules;
          specialArgs = (evalArgs.specialArgs or { }) // specialArgs;
          prefix = extendArgs.prefix or evalArgs.prefix or [ ];
        });

      type = types.submoduleWith { inherit modules specialArgs class; };
    in
    {
      _type = "configuration";
      options = checked options;
      config = checked (removeAttrs config [ "_module" ]);
      _module = checked config._module;
      inherit extendModules type class;
    };

  # ---- renaming / removal helpers -------------------------------------------------

  mkAliasIfDef = option: mkIf (isOption option && option.isDefined);
  mkAliasAndWrapDefinitions = wrap: option: mkAliasIfDef option (wrap (mkMerge option.definitions));
  mkAliasDefinitions = mkAliasAndWrapDefinitions (x: x);
  mkAliasAndWrapDefsWithPriority = wrap: option:
    let prio = option.highestPrio or defaultOverridePriority; in
    mkAliasIfDef option (wrap (mkMerge (map (mkOverride prio) option.definitions)));

  doRename = { from, to, visible, warn, use, withPriority ? true, condition ? true }:
    { config, options, ... }:
    let
      fromOpt = getAttrFromPath from options;
      toOf = attrByPath to (abort "Renaming error: option `${showOption to}' does not exist.");
      toType = let opt = attrByPath to { } options; in opt.type or (types.submodule { });
    in
    {
      options = setAttrByPath from (mkOption {
        inherit visible;
        description = "Alias of `${showOption to}`.";
        apply = x: use (toOf config);
      } // optionalAttrs (toType != null) { type = toType; });
      config = mkIf condition (mkMerge [
        (optionalAttrs (options ? warnings) {
          warnings = lib.lists.optional (warn && fromOpt.isDefined)
            "The option `${showOption from}' defined in ${showFiles fromOpt.files} has been renamed to `${showOption to}'.";
        })
        (if withPriority
         then mkAliasAndWrapDefsWithPriority (setAttrByPath to) fromOpt
         else mkAliasAndWrapDefinitions (setAttrByPath to) fromOpt)
      ]);
    };

  mkRenamedOptionModule = from: to: doRename {
    inherit from to;
    visible = false;
    warn = true;
    use = b.trace "Obsolete option `${showOption from}' is used. It was renamed to `${showOption to}'.";
  };
  mkRenamedOptionModuleWith = { sinceRelease, from, to }: doRename {
    inherit from to;
    visible = false;
    warn = lib.trivial.isInOldestRelease sinceRelease;
    use = lib.trivial.warnIf (lib.trivial.isInOldestRelease sinceRelease)
      "Obsolete option `${showOption from}' is used. It was renamed to `${showOption to}'.";
  };
  mkAliasOptionModule = from: to: doRename { inherit from to; visible = true; warn = false; use = x: x; };
  mkAliasOptionModuleMD = mkAliasOptionModule;

  mkRemovedOptionModule = optionName: replacementInstructions:
    { options, ... }:
    {
      options = setAttrByPath optionName (mkOption {
        visible = false;
        apply = x: throw "The option `${showOption optionName}' can no longer be used since it's been removed. ${replacementInstructions}";
      });
      config.assertions =
        let opt = getAttrFromPath optionName options; in
        [{
          assertion = !opt.isDefined;
          message = ''
            The option definition `${showOption optionName}' in ${showFiles opt.files} no longer has any effect; please remove it.
            ${replacementInstructions}
          '';
        }];
    };

  mkChangedOptionModule = from: to: changeFn:
    mkMergedOptionModule [ from ] to changeFn;
  mkMergedOptionModule = from: to: mergeFn:
    { config, options, ... }:
    {
      options = b.foldl' lib.attrsets.recursiveUpdate { } (map
        (path: setAttrByPath path (mkOption {
          visible = false;
          default = "_mkMergedOptionModule";
        }))
        from);
      config = {
        warnings = filter (x: x != "") (map
          (f:
            let val = getAttrFromPath f config; opt = getAttrFromPath f options; in
            lib.strings.optionalString (val != "_mkMergedOptionModule")
              "The option `${showOption f}' defined in ${showFiles opt.files} has been changed to `${showOption to}' that has a different type. Please read `${showOption to}' documentation and update your configuration accordingly.")
          from);
      } // setAttrByPath to (mkMerge (lib.lists.optional
        (b.any (f: (getAttrFromPath f config) != "_mkMergedOptionModule") from)
        (mergeFn config)));
    };

  mkDerivedConfig = opt: f:
    mkOverride (opt.highestPrio or defaultOverridePriority) (f opt.value);

  setDefaultModuleLocation = file: m: { _file = file; imports = [ m ]; };

  importApply = modulePath: staticArg:
    lib.modules.setDefaultModuleLocation modulePath (import modulePath staticArg);

  modules = {
    inherit evalModules mkIf mkAssert mkMerge mkOverride mkOptionDefault mkDefault
      mkImageMediaOverride mkForce mkVMOverride mkOrder mkBefore mkAfter mkFixStrictness
      defaultOverridePriority defaultOrderPriority pushDownProperties dischargeProperties
      filterOverrides filterOverrides' sortProperties mergeDefinitions evalOptionValue
      mkAliasIfDef mkAliasDefinitions mkAliasAndWrapDefinitions mkAliasAndWrapDefsWithPriority
      doRename mkRenamedOptionModule mkRenamedOptionModuleWith mkAliasOptionModule
      mkAliasOptionModuleMD mkRemovedOptionModule mkChangedOptionModule mkMergedOptionModule
      mkDerivedConfig setDefaultModuleLocation importApply collectModules unifyModuleSyntax
      applyModuleArgs;
    defaultPriority = defaultOverridePriority;
    mkAliasAndWrapPrioritizedDefinitions = mkAliasAndWrapDefsWithPriority;
    evalOptionValue' = evalOptionValue;
  };
in
modules
