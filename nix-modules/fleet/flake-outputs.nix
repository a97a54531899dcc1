# Reads a fleet from a flake. NixEvaluator runs, with Nix's own flake support,
#
#   nix eval --json --impure path:.../flake-entry#fleetEntry --override-input entry <flake ref> \
#     --apply 'import .../flake-outputs.nix { flakeName = ...; attribute = "resourceGraph"; ... }'
#
# so `flake` below is the user's flake (inputs, outputs, sourceInfo) as Nix called it. The output
# read is `attrPath` when the reference names one (`.#attr`), else the first of
#   outputs.fleet        a fleet module (or a Colmena hive: eval.nix reads both),
#   outputs.colmenaHive  what Colmena's makeHive exports (__schema "v0.5"), read through that
#                        interface: metaConfig, deploymentConfig.<node>, toplevel.<node>,
#   outputs.colmena      a raw Colmena hive, evaluated as a hive file would be,
#   outputs.nixosConfigurations, only when `nixosConfigurations` is true: already-evaluated
#                        configurations, deployed as fleet's evaluatedNodes.
# The fleet is then evaluated by ./eval.nix as any fleet file is; its nixpkgs is `nixpkgs` (the
# --nixpkgs path) if given, else the entry's meta.nixpkgs, else the flake's `nixpkgs` input.
{ flakeName, attribute, attrPath ? [ ], nixpkgs ? null, nixosConfigurations ? false, system ? builtins.currentSystem }:
flake:
let
  inherit (builtins) attrNames concatStringsSep filter foldl' head isAttrs length;

  outputs = flake.outputs;
  outputNames = attrNames outputs;
  listed = names: if names == [ ] then "(none)" else concatStringsSep ", " names;

  readOrder = [ "fleet" "colmenaHive" "colmena" ] ++ (if nixosConfigurations then [ "nixosConfigurations" ] else [ ]);
  defaultOutput =
    let present = filter (n: outputs ? ${n}) readOrder; in
    if present != [ ] then head present
    else throw ''
      fleet: flake ${flakeName} has none of the outputs fleet reads (${concatStringsSep ", " readOrder}${if nixosConfigurations then "" else "; nixosConfigurations only with --nixos-configurations"}).
      Its outputs are: ${listed outputNames}. Name one with ${flakeName}#OUTPUT.'';

  path = if attrPath != [ ] then attrPath else [ defaultOutput ];
  dotted = concatStringsSep "." path;
  value = (foldl' (acc: name:
    if !(isAttrs acc.value) || !(acc.value ? ${name}) then throw ''
      fleet: flake ${flakeName} has no output attribute ${dotted} (${if acc.at == [ ] then "its outputs are: ${listed outputNames}" else "${concatStringsSep "." acc.at} has: ${if isAttrs acc.value then listed (attrNames acc.value) else "no attributes"}"}).''
    else { value = acc.value.${name}; at = acc.at ++ [ name ]; }) { value = outputs; at = [ ]; } path).value;

  isEvaluatedConfiguration = c: isAttrs c && c ? config && c ? options && c ? extendModules;
  kind =
    if isAttrs value && value ? __schema then "colmenaHive"
    else if isAttrs value && value != { } && foldl' (all: c: all && isEvaluatedConfiguration c) true (builtins.attrValues value)
      then "nixosConfigurations"
    else "module";

  # A nixpkgs flake input (or any flake) stands for its source tree, which eval.nix imports.
  asNixpkgs = n: if isAttrs n && n ? outputs && n ? outPath then n.outPath else n;
  flakeNixpkgs = if flake.inputs ? nixpkgs then asNixpkgs flake.inputs.nixpkgs else null;
  entryMeta = if isAttrs value then value.meta or value.network or { } else { };
  firstNodePkgs = nodes: if nodes == { } then null else (builtins.getAttr (head (attrNames nodes)) nodes).pkgs or null;

  chosenNixpkgs =
    if nixpkgs != null then nixpkgs
    else if kind == "module" && entryMeta ? nixpkgs then null # eval.nix reads meta.nixpkgs itself
    else if flakeNixpkgs != null then flakeNixpkgs
    else if kind == "colmenaHive" then firstNodePkgs (value.nodes or { })
    else if kind == "nixosConfigurations" then firstNodePkgs value
    else null;

  entry = {
    module = value;
    colmenaHive = import ./colmena-hive.nix { hive = value; inherit flakeName; };
    # Already-evaluated configurations become fleet's cooked nodes as they are, never evaluated
    # again (one without fleet's deployment module gets its defaults).
    nixosConfigurations = { evaluatedNodes = value; };
  }.${kind};

  evaluated =
    if chosenNixpkgs == null && !(kind == "module" && entryMeta ? nixpkgs) then throw ''
      fleet: flake ${flakeName}, output ${dotted}: no nixpkgs to evaluate with; set meta.nixpkgs, give the flake a `nixpkgs` input, or pass --nixpkgs PATH.''
    else import ./eval.nix ({ inherit entry system; } // (if chosenNixpkgs != null then { nixpkgs = chosenNixpkgs; } else { }));
in
foldl' (acc: name: acc.${name}) evaluated (filter (s: builtins.isString s && s != "") (builtins.split "\\." attribute))
