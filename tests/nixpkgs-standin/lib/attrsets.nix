# Stand-in for nixpkgs lib.attrsets (written from its documentation).
{ lib }:
let
  b = builtins;
  inherit (b) attrNames attrValues listToAttrs hasAttr getAttr length head tail;
in
rec {
  inherit (b) attrNames attrValues listToAttrs hasAttr getAttr intersectAttrs
    removeAttrs catAttrs mapAttrs zipAttrsWith isAttrs;

  nameValuePair = name: value: { inherit name value; };

  attrByPath = path: default: set:
    if path == [ ] then set
    else
      let n = head path; in
      if b.isAttrs set && set ? ${n} then attrByPath (tail path) default set.${n}
      else default;

  hasAttrByPath = path: set:
    if path == [ ] then true
    else
      let n = head path; in
      b.isAttrs set && set ? ${n} && hasAttrByPath (tail path) set.${n};

  getAttrFromPath = path: set:
    let missing = throw "cannot find attribute `${b.concatStringsSep "." path}'"; in
    attrByPath path missing set;

  setAttrByPath = path: value:
    if path == [ ] then value
    else { ${head path} = setAttrByPath (tail path) value; };

  attrVals = names: set: map (n: set.${n}) names;
  getAttrs = names: set: listToAttrs (map (n: nameValuePair n set.${n}) names);

  filterAttrs = pred: set:
    listToAttrs (b.concatMap (n: let v = set.${n}; in if pred n v then [ (nameValuePair n v) ] else [ ]) (attrNames set));

  filterAttrsRecursive = pred: set:
    listToAttrs (b.concatMap
      (n:
        let v = set.${n}; in
        if pred n v then [ (nameValuePair n (if b.isAttrs v then filterAttrsRecursive pred v else v)) ] else [ ])
      (attrNames set));

  foldlAttrs = f: init: set: b.foldl' (acc: n: f acc n set.${n}) init (attrNames set);

  foldAttrs = op: nul: list_of_attrs:
    b.foldl' (acc: set: acc // b.mapAttrs (n: v: op v (acc.${n} or nul)) set) { } (lib.lists.reverseList list_of_attrs);

  collect = pred: v:
    if pred v then [ v ]
    else if b.isAttrs v then b.concatMap (collect pred) (attrValues v)
    else [ ];

  cartesianProduct = attrsOfLists:
    b.foldl' (acc: n: b.concatMap (a: map (x: a // { ${n} = x; }) attrsOfLists.${n}) acc) [ { } ] (attrNames attrsOfLists);
  cartesianProductOfSets = cartesianProduct;

  mapAttrs' = f: set: listToAttrs (map (n: f n set.${n}) (attrNames set));

  mapAttrsToList = f: set: map (n: f n set.${n}) (attrNames set);
  attrsToList = mapAttrsToList nameValuePair;

  concatMapAttrs = f: set: b.foldl' (acc: x: acc // x) { } (mapAttrsToList f set);

  mapAttrsRecursive = f: mapAttrsRecursiveCond (_: true) f;
  mapAttrsRecursiveCond = cond: f: set:
    let
      go = path: s: b.mapAttrs
        (n: v:
          if b.isAttrs v && cond v then go (path ++ [ n ]) v else f (path ++ [ n ]) v)
        s;
    in go [ ] set;

  genAttrs = names: f: listToAttrs (map (n: nameValuePair n (f n)) names);

  isDerivation = v: b.isAttrs v && (v.type or null) == "derivation";

  toDerivation = path:
    let p = b.storePath path; in
    { type = "derivation"; name = b.unsafeDiscardStringContext (b.substring 33 (-1) (b.baseNameOf p)); outPath = p; outputs = [ "out" ]; out = p; outputName = "out"; };

  optionalAttrs = cond: set: if cond then set else { };

  zipAttrsWithNames = names: f: sets:
    listToAttrs (map (n: nameValuePair n (f n (b.catAttrs n sets))) names);
  zipAttrs = b.zipAttrsWith (n: vs: vs);

  mergeAttrsList = list: b.foldl' (a: c: a // c) { } list;

  recursiveUpdateUntil = pred: lhs: rhs:
    let
      go = path: l: r: b.zipAttrsWith
        (n: vs:
          let p = path ++ [ n ]; in
          if length vs == 1 then head vs
          else
            let lv = b.elemAt vs 1; rv = b.elemAt vs 0; in
            if b.isAttrs lv && b.isAttrs rv && !(pred p lv rv) then go p lv rv else rv)
        [ r l ];
    in go [ ] lhs rhs;

  recursiveUpdate = recursiveUpdateUntil (path: l: r: !(b.isAttrs l && b.isAttrs r));

  matchAttrs = pattern: set:
    b.all (n: set ? ${n} && (let p = pattern.${n}; v = set.${n}; in
      if b.isAttrs p && b.isAttrs v then matchAttrs p v else p == v)) (attrNames pattern);

  overrideExisting = old: new: b.mapAttrs (n: v: new.${n} or v) old;

  showAttrPath = path: if path == [ ] then "<root attribute path>" else lib.options.showOption path;

  getOutput = output: pkg:
    if !(pkg ? outputSpecified) || !pkg.outputSpecified then pkg.${output} or pkg.out or pkg else pkg;
  getBin = getOutput "bin";
  getLib = getOutput "lib";
  getDev = getOutput "dev";
  getMan = getOutput "man";

  updateManyAttrsByPath = updates: value:
    b.foldl' (acc: u: let old = attrByPath u.path null acc; in recursiveUpdate acc (setAttrByPath u.path (u.update old))) value updates;

  unionOfDisjoint = x: y:
    let common = b.intersectAttrs x y; in
    if common == { } then x // y
    else throw "unionOfDisjoint: collision on ${b.concatStringsSep ", " (attrNames common)}";

  dontRecurseIntoAttrs = s: s // { recurseForDerivations = false; };
  recurseIntoAttrs = s: s // { recurseForDerivations = true; };

  chooseDevOutputs = map getDev;
}
