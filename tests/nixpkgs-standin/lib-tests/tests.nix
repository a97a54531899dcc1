# Positive tests for the nixpkgs lib stand-in. Each attribute is
# { expr; expected; }; evaluating this file yields the list of failures
# (an empty list means success). Run with ./run.sh.
# libDir: the lib directory to test (run.sh passes it); default the stand-in's.
{ libDir ? "" }:
let
  lib = import (if libDir == "" then ../lib else /. + libDir);
  inherit (lib) mkOption types mkIf mkMerge mkDefault mkForce mkOverride
    mkOptionDefault mkBefore mkAfter mkOrder evalModules;

  eval = modules: (evalModules { inherit modules; }).config;

  intOpt = { options.x = mkOption { type = types.int; default = 1; }; };

  cases = {
    # ---- priorities ---------------------------------------------------------
    prioOptionDefault = { expr = (eval [ intOpt ]).x; expected = 1; };
    prioMkDefaultBeatsOptionDefault = { expr = (eval [ intOpt { x = mkDefault 2; } ]).x; expected = 2; };
    prioPlainBeatsMkDefault = { expr = (eval [ intOpt { x = mkDefault 2; } { x = 3; } ]).x; expected = 3; };
    prioForceBeatsPlain = { expr = (eval [ intOpt { x = mkForce 4; } { x = 3; } { x = mkDefault 2; } ]).x; expected = 4; };
    prioMkOptionDefault = { expr = (eval [ { options.x = mkOption { type = types.int; }; } { x = mkOptionDefault 7; } ]).x; expected = 7; };
    prioOverrideNumber = { expr = (eval [ intOpt { x = mkOverride 10 5; } { x = mkForce 4; } ]).x; expected = 5; };
    prioOnlyHighestMerged = {
      expr = (eval [
        { options.l = mkOption { type = types.listOf types.int; default = [ 0 ]; }; }
        { l = [ 1 ]; } { l = [ 2 ]; } { l = mkDefault [ 3 ]; }
      ]).l;
      expected = [ 2 1 ];
    };
    prioHighestPrio = {
      expr = (evalModules { modules = [ intOpt { x = mkDefault 2; } ]; }).options.x.highestPrio;
      expected = 1000;
    };
    prioPushedIntoAttrs = {
      expr = (eval [
        { options.a.x = mkOption { type = types.int; }; options.a.y = mkOption { type = types.int; }; }
        { a = mkDefault { x = 1; y = 1; }; }
        { a.x = 2; }
      ]).a;
      expected = { x = 2; y = 1; };
    };

    # ---- mkIf / mkMerge -----------------------------------------------------
    mkIfFalseRemoves = { expr = (eval [ intOpt { x = mkIf false 9; } ]).x; expected = 1; };
    mkIfTrueKeeps = { expr = (eval [ intOpt { x = mkIf true 9; } ]).x; expected = 9; };
    mkIfFalseListElems = {
      expr = (eval [
        { options.l = mkOption { type = types.listOf types.int; }; }
        { l = [ 1 (mkIf false 2) (mkIf true 3) ]; }
      ]).l;
      expected = [ 1 3 ];
    };
    mkIfRefersToConfig = {
      expr = eval [
        {
          options.svc.enable = mkOption { type = types.bool; default = false; };
          options.svc.port = mkOption { type = types.int; default = 1; };
          options.other = mkOption { type = types.str; default = "off"; };
          options.want = mkOption { type = types.bool; default = true; };
        }
        ({ config, ... }: {
          config = mkIf config.svc.enable { svc.port = 80; other = "on"; };
        })
        ({ config, ... }: { svc.enable = config.want; })
      ];
      expected = { svc = { enable = true; port = 80; }; other = "on"; want = true; };
    };
    mkIfWholeModuleShorthand = {
      expr = (eval [ intOpt ({ config, ... }: mkIf (config.x == 1) { }) ]).x;
      expected = 1;
    };
    mkMergeBasic = {
      expr = eval [
        { options.a = mkOption { type = types.int; }; options.b = mkOption { type = types.listOf types.int; }; }
        { config = mkMerge [ { a = 1; b = [ 1 ]; } (mkIf false { a = 2; }) { b = [ 2 ]; } ]; }
      ];
      expected = { a = 1; b = [ 1 2 ]; };
    };
    mkMergeInsideOption = {
      expr = (eval [
        { options.b = mkOption { type = types.listOf types.int; }; }
        { b = mkMerge [ [ 1 ] (mkIf true [ 2 ]) (mkIf false [ 3 ]) ]; }
      ]).b;
      expected = [ 1 2 ];
    };

    # ---- modules: imports, functions, specialArgs, _module.args --------------
    importsDedupAndArgs = {
      expr = (evalModules {
        specialArgs.greeting = "hi";
        modules = [ ./modules/imported.nix { imports = [ ./modules/imported.nix ]; } ];
      }).config.fromFile;
      expected = [ "child:hi" "imported" ];
    };
    moduleArgsViaModuleArgs = {
      expr = (eval [
        { options.r = mkOption { type = types.str; }; }
        { _module.args.answer = "42"; }
        ({ answer, lib, options, ... }: { r = answer + (if options ? r then "!" else "?"); })
      ]).r;
      expected = "42!";
    };
    specialArgsLibOverride = {
      expr = (evalModules {
        specialArgs.lib = lib // { marker = "custom"; };
        modules = [ { options.r = mkOption { type = types.str; }; } ({ lib, ... }: { r = lib.marker; }) ];
      }).config.r;
      expected = "custom";
    };
    shorthandVsExplicit = {
      expr = eval [
        { options.a = mkOption { type = types.int; }; options.b = mkOption { type = types.int; }; }
        { a = 1; }
        { config.b = 2; }
      ];
      expected = { a = 1; b = 2; };
    };
    keyDedup = {
      expr = (eval [
        { options.l = mkOption { type = types.listOf types.int; }; }
        { key = "same"; l = [ 1 ]; }
        { imports = [ { key = "same"; l = [ 1 ]; } ]; }
      ]).l;
      expected = [ 1 ];
    };
    disabledModules = {
      expr = (evalModules {
        specialArgs.greeting = "x";
        modules = [ ./modules/imported.nix { disabledModules = [ ./modules/imported-child.nix ]; } ];
      }).config.fromFile;
      expected = [ "imported" ];
    };
    declarationsMerged = {
      expr = eval [
        { options.a.x = mkOption { type = types.int; default = 1; }; }
        { options.a.y = mkOption { type = types.int; default = 2; }; }
        { options.a.x = mkOption { description = "more docs"; }; }
      ];
      expected = { a = { x = 1; y = 2; }; };
    };
    optionFiles = {
      expr = (evalModules { modules = [ intOpt { _file = "f1.nix"; x = 2; } ]; }).options.x.files;
      expected = [ "f1.nix" ];
    };
    prefixInErrorsAndName = {
      expr = (evalModules { prefix = [ "p" ]; modules = [ intOpt ]; }).options.x.loc;
      expected = [ "p" "x" ];
    };
    extendModules = {
      expr = ((evalModules { modules = [ intOpt ]; }).extendModules { modules = [ { x = 5; } ]; }).config.x;
      expected = 5;
    };
    checkFalseAllowsUndeclared = {
      expr = (eval [ intOpt { _module.check = false; y = 1; } ]).x;
      expected = 1;
    };
    freeformType = {
      expr = eval [
        { freeformType = types.attrsOf types.int; options.x = mkOption { type = types.int; default = 1; }; }
        { y = 2; z = mkDefault 3; }
      ];
      expected = { x = 1; y = 2; z = 3; };
    };

    # ---- submodules ---------------------------------------------------------
    submoduleName = {
      expr = lib.mapAttrs (n: v: v.hostName) (eval [
        {
          options.nodes = mkOption {
            type = types.attrsOf (types.submodule ({ name, ... }: {
              options.hostName = mkOption { type = types.str; default = name; };
            }));
          };
        }
        { nodes.web = { }; nodes.db.hostName = "database"; }
      ]).nodes;
      expected = { web = "web"; db = "database"; };
    };
    attrsOfSubmoduleAcrossModules = {
      expr = (eval [
        {
          options.nodes = mkOption {
            type = types.attrsOf (types.submodule {
              options.port = mkOption { type = types.int; default = 22; };
              options.tags = mkOption { type = types.listOf types.str; default = [ ]; };
            });
            default = { };
          };
        }
        { nodes.web.tags = [ "a" ]; }
        { nodes.web.tags = [ "b" ]; nodes.web.port = 2222; }
        { nodes.db = { }; }
      ]).nodes;
      expected = { web = { port = 2222; tags = [ "a" "b" ]; }; db = { port = 22; tags = [ ]; }; };
    };
    submoduleDeclaredTwice = {
      expr = (eval [
        { options.s = mkOption { type = types.submodule { options.a = mkOption { default = 1; }; }; default = { }; }; }
        { options.s = mkOption { type = types.submodule { options.b = mkOption { default = 2; }; }; }; }
      ]).s;
      expected = { a = 1; b = 2; };
    };
    submoduleConfigUsesOuterDefault = {
      expr = (eval [
        {
          options.s = mkOption {
            type = types.submodule ({ config, ... }: {
              options.a = mkOption { type = types.int; default = 1; };
              options.b = mkOption { type = types.int; };
              config.b = config.a * 10;
            });
            default = { };
          };
        }
        { s.a = 4; }
      ]).s;
      expected = { a = 4; b = 40; };
    };
    submoduleFunctionDefinition = {
      expr = (eval [
        { options.s = mkOption { type = types.attrsOf (types.submodule { options.v = mkOption { type = types.str; }; }); }; }
        { s.k = { name, ... }: { v = "n=${name}"; }; }
      ]).s.k.v;
      expected = "n=k";
    };
    submoduleWithSpecialArgs = {
      expr = (eval [
        { options.s = mkOption { type = types.submoduleWith { specialArgs.extra = "e"; modules = [ ({ extra, ... }: { options.v = mkOption { default = extra; }; }) ]; }; default = { }; }; }
      ]).s.v;
      expected = "e";
    };
    nestedOptionsNamespaceIntoSubmodule = {
      expr = (eval [
        { options.s = mkOption { type = types.submodule { options.a = mkOption { default = 1; }; }; default = { }; }; }
        { options.s.b = mkOption { default = 2; }; }
      ]).s;
      expected = { a = 1; b = 2; };
    };

    # ---- lists / orders -------------------------------------------------------
    # The real lib merges a module list's definitions last module first (it reverses the
    # collected modules), and an import comes before the module importing it.
    listConcatOrder = {
      expr = (eval [
        { options.l = mkOption { type = types.listOf types.str; }; }
        { l = [ "a" ]; }
        { l = mkAfter [ "z" ]; }
        { l = [ "b" ]; }
        { l = mkBefore [ "0" ]; }
        { l = mkOrder 1200 [ "y" ]; }
      ]).l;
      expected = [ "0" "b" "a" "y" "z" ];
    };
    linesOrder = {
      expr = (eval [
        { options.t = mkOption { type = types.lines; }; }
        { t = "middle"; }
        { t = mkBefore "first"; }
        { t = mkAfter "last"; }
      ]).t;
      expected = "first\nmiddle\nlast";
    };
    filesAndDeclarationsOrder = {
      expr = let o = (evalModules { modules = [
        { _file = "d1.nix"; options.l = mkOption { type = types.listOf types.int; }; }
        { _file = "d2.nix"; options.l = mkOption { description = "l"; }; }
        { _file = "f1.nix"; l = [ 1 ]; }
        { _file = "f2.nix"; l = [ 2 ]; }
      ]; }).options.l; in [ o.declarations o.files o.definitions o.value ];
      expected = [ [ "d2.nix" "d1.nix" ] [ "f2.nix" "f1.nix" ] [ [ 2 ] [ 1 ] ] [ 2 1 ] ];
    };
    submoduleDefinitionsInModuleOrder = {
      expr = (eval [
        { options.s = mkOption { type = types.submodule { options.l = mkOption { type = types.listOf types.int; }; }; }; }
        { s.l = [ 1 ]; }
        { s.l = [ 2 ]; }
      ]).s.l;
      expected = [ 1 2 ];
    };
    importedBeforeImporter = {
      expr = (eval [
        { options.l = mkOption { type = types.listOf types.str; }; }
        { l = [ "a" ]; imports = [ { l = [ "a-child" ]; } ]; }
        { l = [ "b" ]; }
      ]).l;
      expected = [ "a-child" "b" "a" ];
    };
    commas = {
      expr = (eval [ { options.t = mkOption { type = types.commas; }; } { t = "a"; } { t = "b"; } ]).t;
      expected = "b,a";
    };

    # ---- types ----------------------------------------------------------------
    nullOrNull = { expr = (eval [ { options.n = mkOption { type = types.nullOr types.int; default = null; }; } ]).n; expected = null; };
    nullOrValue = { expr = (eval [ { options.n = mkOption { type = types.nullOr types.int; default = null; }; } { n = 3; } ]).n; expected = 3; };
    enumOk = { expr = (eval [ { options.e = mkOption { type = types.enum [ "a" "b" ]; }; } { e = "b"; } ]).e; expected = "b"; };
    strEqualDefsMerge = { expr = (eval [ { options.s = mkOption { type = types.str; }; } { s = "x"; } { s = "x"; } ]).s; expected = "x"; };
    boolEqualDefs = { expr = (eval [ { options.b = mkOption { type = types.bool; }; } { b = true; } { b = true; } ]).b; expected = true; };
    eitherType = { expr = (eval [ { options.e = mkOption { type = types.either types.int types.str; }; } { e = "s"; } ]).e; expected = "s"; };
    oneOfType = { expr = (eval [ { options.e = mkOption { type = types.oneOf [ types.int types.bool types.str ]; }; } { e = true; } ]).e; expected = true; };
    coercedTo = {
      expr = (eval [ { options.c = mkOption { type = types.coercedTo types.int toString types.str; }; } { c = 5; } ]).c;
      expected = "5";
    };
    attrsMergeShallow = {
      expr = (eval [ { options.a = mkOption { type = types.attrs; }; } { a.x.y = 1; } { a.x.z = 2; } ]).a;
      expected = { x.y = 1; };
    };
    anythingMergesRecursively = {
      expr = (eval [
        { options.a = mkOption { type = types.anything; }; }
        { a = { str = mkDefault "foo"; n.one = 1; f.g = 1; }; }
        { a = { str = mkIf true "bar"; n.two = 2; f.g = mkForce 2; }; }
      ]).a;
      expected = { str = "bar"; n = { one = 1; two = 2; }; f.g = 2; };
    };
    anythingEqualListsMerge = {
      expr = (eval [ { options.a = mkOption { type = types.anything; }; } { a.l = [ 1 2 ]; } { a.l = [ 1 2 ]; } ]).a;
      expected = { l = [ 1 2 ]; };
    };
    anythingFunctionsMergeResults = {
      expr = (eval [ { options.a = mkOption { type = types.anything; }; } { a = x: { p = x; }; } { a = x: { q = x + 1; }; } ]).a 1;
      expected = { p = 1; q = 2; };
    };
    lazyAttrsOf = {
      expr = (eval [
        { options.a = mkOption { type = types.lazyAttrsOf types.int; }; }
        { a.x = 1; a.y = mkIf false 2; }
      ]).a ? y;
      expected = true;
    };
    attrsOfDropsMkIfFalse = {
      expr = (eval [
        { options.a = mkOption { type = types.attrsOf types.int; }; }
        { a.x = 1; a.y = mkIf false 2; }
      ]).a;
      expected = { x = 1; };
    };
    functionTo = {
      expr = (eval [
        { options.f = mkOption { type = types.functionTo (types.listOf types.int); }; }
        { f = x: [ x ]; }
        { f = x: [ (x + 1) ]; }
      ]).f 1;
      expected = [ 2 1 ];
    };
    packageType = {
      expr = (eval [ { options.p = mkOption { type = types.package; }; } { p = { type = "derivation"; name = "x"; outPath = "/nix/store/x"; }; } ]).p.name;
      expected = "x";
    };
    uniqSingle = { expr = (eval [ { options.u = mkOption { type = types.uniq types.int; }; } { u = 1; } ]).u; expected = 1; };
    portAndInts = {
      expr = map (t: t.check 70000) [ types.port types.ints.unsigned types.ints.positive (types.ints.between 0 10) ];
      expected = [ false true true false ];
    };
    descriptions = {
      expr = map (t: t.description) [
        types.int types.str types.bool types.port (types.listOf (types.nullOr types.str))
        (types.attrsOf types.int) (types.enum [ "a" 1 ]) (types.either types.int types.str) types.lines
      ];
      expected = [
        "signed integer" "string" "boolean" "16 bit unsigned integer; between 0 and 65535 (both inclusive)"
        "list of (null or string)" "attribute set of signed integer" "one of \"a\", 1"
        "signed integer or string" "strings concatenated with \"\\n\""
      ];
    };
    pathType = { expr = [ (types.path.check /tmp) (types.path.check "/x") (types.path.check "x") ]; expected = [ true true false ]; };

    # ---- option attributes ------------------------------------------------------
    applyFn = {
      expr = (eval [ { options.a = mkOption { type = types.int; default = 1; apply = x: x * 100; }; } { a = 2; } ]).a;
      expected = 200;
    };
    readOnlySingle = {
      expr = (eval [ { options.r = mkOption { type = types.int; readOnly = true; }; } { r = 3; } ]).r;
      expected = 3;
    };
    readOnlyDefaultOnly = {
      expr = (eval [ { options.r = mkOption { type = types.int; readOnly = true; default = 4; }; } ]).r;
      expected = 4;
    };
    enableOption = {
      expr = let o = (evalModules { modules = [ { options.e = lib.mkEnableOption "the thing"; } ]; }).options.e; in [ o.value o.description o.type.name ];
      expected = [ false "Whether to enable the thing." "bool" ];
    };
    packageOption = {
      expr = (eval [ ({ ... }: { options.p = lib.mkPackageOption { hello = { type = "derivation"; name = "hello"; outPath = "/nix/store/h"; }; } "hello" { }; }) ]).p.name;
      expected = "hello";
    };
    isDefined = {
      expr = let o = (evalModules { modules = [ { options.u = mkOption { type = types.int; }; } ]; }).options.u; in o.isDefined;
      expected = false;
    };
    renamedOption = {
      expr = (eval [
        { options.new = mkOption { type = types.int; }; }
        (lib.mkAliasOptionModule [ "old" ] [ "new" ])
        { old = 5; }
      ]).new;
      expected = 5;
    };

    # ---- deferredModule ----------------------------------------------------------
    deferredModuleNestedEval = {
      expr =
        let
          outer = eval [
            {
              options.nodes = mkOption { type = types.attrsOf types.deferredModule; default = { }; };
              options.defaults = mkOption { type = types.deferredModule; default = { }; };
            }
            { nodes.web = { port = 80; }; defaults = { options.port = mkOption { type = types.int; default = 1; }; options.tags = mkOption { type = types.listOf types.str; default = [ ]; }; }; }
            { nodes.web = { tags = [ "a" ]; }; nodes.db = { }; }
            { nodes.web = ({ name, ... }: { tags = [ name ]; }); }
            { defaults = { tags = [ "all" ]; }; }
          ];
          inner = name: (evalModules {
            modules = [ outer.defaults outer.nodes.${name} { _module.args.name = name; } ];
          }).config;
        in lib.genAttrs [ "web" "db" ] inner;
      expected = {
        web = { port = 80; tags = [ "a" "web" "all" ]; };
        db = { port = 1; tags = [ "all" ]; };
      };
    };

    # ---- helpers ----------------------------------------------------------------
    helpersAttrs = {
      expr = [
        (lib.mapAttrs' (n: v: lib.nameValuePair "${n}x" (v + 1)) { a = 1; })
        (lib.mapAttrsToList (n: v: n) { b = 1; a = 2; })
        (lib.filterAttrs (n: v: v > 1) { a = 1; b = 2; })
        (lib.attrByPath [ "a" "b" ] 0 { a.b = 5; })
        (lib.attrByPath [ "a" "c" ] 0 { a.b = 5; })
        (lib.setAttrByPath [ "a" "b" ] 1)
        (lib.hasAttrByPath [ "a" "b" ] { a.b = null; })
        (lib.getAttrFromPath [ "a" ] { a = 3; })
        (lib.recursiveUpdate { a.b = 1; a.c = 1; } { a.b = 2; })
        (lib.optionalAttrs false { a = 1; })
        (lib.genAttrs [ "x" "y" ] (n: n + n))
        (lib.zipAttrsWith (n: vs: vs) [ { a = 1; } { a = 2; b = 3; } ])
        (lib.attrsets.isDerivation { type = "derivation"; })
        (lib.isDerivation 1)
      ];
      expected = [
        { ax = 2; } [ "a" "b" ] { b = 2; } 5 0 { a.b = 1; } true 3 { a = { b = 2; c = 1; }; } { }
        { x = "xx"; y = "yy"; } { a = [ 1 2 ]; b = [ 3 ]; } true false
      ];
    };
    helpersLists = {
      expr = [
        (lib.foldr (x: acc: [ x ] ++ acc) [ ] [ 1 2 3 ])
        (lib.foldl' (a: x: a + x) 0 [ 1 2 3 ])
        (lib.concatMap (x: [ x x ]) [ 1 2 ])
        (lib.flatten [ 1 [ 2 [ 3 ] ] ])
        (lib.unique [ 1 2 1 3 2 ])
        (lib.optional true 1 ++ lib.optional false 2)
        (lib.optionals true [ 1 2 ])
        (lib.range 2 4)
        (lib.last [ 1 2 3 ])
        (lib.lists.take 2 [ 1 2 3 ])
        (lib.elem 2 [ 1 2 ])
        (lib.pipe 2 [ (x: x + 1) (x: x * 2) ])
        (lib.fix (self: { a = 1; b = self.a + 1; })).b
        (lib.toList 1)
        (lib.reverseList [ 1 2 3 ])
        (lib.sort (a: b: a < b) [ 3 1 2 ])
      ];
      expected = [ [ 1 2 3 ] 6 [ 1 1 2 2 ] [ 1 2 3 ] [ 1 2 3 ] [ 1 ] [ 1 2 ] [ 2 3 4 ] 3 [ 1 2 ] true 6 2 [ 1 ] [ 3 2 1 ] [ 1 2 3 ] ];
    };
    helpersStrings = {
      expr = [
        (lib.concatStringsSep "," [ "a" "b" ])
        (lib.concatMapStringsSep "-" toString [ 1 2 ])
        (lib.concatStrings [ "a" "b" ])
        (lib.hasPrefix "ab" "abc")
        (lib.hasSuffix "bc" "abc")
        (lib.removePrefix "a" "abc")
        (lib.removeSuffix "c" "abc")
        (lib.splitString "," "a,b,,c")
        (lib.toUpper "aBc")
        (lib.toLower "AbC")
        (lib.escapeShellArg "it's")
        (lib.escapeShellArgs [ "a" "b c" ])
        (lib.optionalString false "x")
        (lib.boolToString true)
        (lib.strings.hasInfix "b" "abc")
        (lib.versionAtLeast "2.8.0" "2.4")
        (lib.options.showOption [ "a" "b.c" "<name>" ])
        (lib.id 1)
        (lib.const 1 2)
        (lib.isFunction (x: x))
        ((lib.extends (final: prev: { b = prev.a + 1; }) (final: { a = 1; })) { }).b
        (lib.literalExpression "pkgs.x").text
        (lib.assertMsg true "m")
        (lib.throwIf false "m" 1)
        (lib.throwIfNot true "m" 2)
        (lib.trivial.version != "")
      ];
      expected = [
        "a,b" "1-2" "ab" true true "bc" "ab" [ "a" "b" "" "c" ] "ABC" "abc" "'it'\\''s'" "a 'b c'" ""
        "true" true true "a.\"b.c\".<name>" 1 1 true 2 "pkgs.x" true 1 2 true
      ];
    };
  };

  results = lib.mapAttrs (name: c: let r = builtins.tryEval (builtins.deepSeq c.expr c.expr); in
    if !r.success then { inherit name; error = "evaluation failed (run: nix-instantiate --eval --strict tests.nix -A cases.${name}.expr)"; }
    else if r.value == c.expected then null
    else { inherit name; got = r.value; inherit (c) expected; }) cases;
in
{
  inherit cases results;
  failures = builtins.filter (x: x != null) (builtins.attrValues results);
  count = builtins.length (builtins.attrNames cases);
}
