# Stand-in for nixpkgs lib.lists (written from its documentation).
{ lib }:
let
  b = builtins;
  inherit (b) length head tail elemAt genList filter;
in
rec {
  inherit (b) length head tail elemAt genList filter elem concatLists concatMap
    any all partition sort groupBy isList;
  foldl' = b.foldl';

  singleton = x: [ x ];
  forEach = xs: f: map f xs;
  foldr = op: nul: list:
    let
      len = length list;
      go = i: if i == len then nul else op (elemAt list i) (go (i + 1));
    in go 0;
  fold = foldr;
  foldl = op: nul: list: b.foldl' op nul list;
  imap0 = f: list: genList (i: f i (elemAt list i)) (length list);
  imap1 = f: list: genList (i: f (i + 1) (elemAt list i)) (length list);
  ifilter0 = f: list: map (p: p.v) (filter (p: f p.i p.v) (imap0 (i: v: { inherit i v; }) list));

  flatten = x: if b.isList x then b.concatMap flatten x else [ x ];
  remove = e: filter (x: x != e);

  findSingle = pred: default: multiple: list:
    let found = filter pred list; n = length found; in
    if n == 0 then default else if n != 1 then multiple else head found;
  findFirstIndex = pred: default: list:
    let
      len = length list;
      go = i: if i == len then default else if pred (elemAt list i) then i else go (i + 1);
    in go 0;
  findFirst = pred: default: list:
    let i = findFirstIndex pred null list; in
    if i == null then default else elemAt list i;

  count = pred: b.foldl' (c: x: if pred x then c + 1 else c) 0;
  optional = cond: elem: if cond then [ elem ] else [ ];
  optionals = cond: elems: if cond then elems else [ ];
  toList = x: if b.isList x then x else [ x ];
  range = first: last: if first > last then [ ] else genList (n: first + n) (last - first + 1);
  replicate = n: elem: genList (_: elem) n;

  reverseList = xs: let l = length xs; in genList (n: elemAt xs (l - n - 1)) l;

  listDfs = stopOnCycles: before: list:
    let
      dfs' = us: visited: rest:
        let
          c = filter (x: before x us) visited;
          b' = partition (x: before x us) rest;
        in
        if stopOnCycles && (length c > 0) then { cycle = us; loops = c; inherit visited rest; }
        else if length b'.right == 0 then { minimal = us; inherit visited rest; }
        else dfs' (head b'.right) ([ us ] ++ visited) (tail b'.right ++ b'.wrong);
    in dfs' (head list) [ ] (tail list);

  toposort = before: list:
    let dfsthis = listDfs true before list; toporest = toposort before (dfsthis.visited ++ dfsthis.rest); in
    if length list < 2 then { result = list; }
    else if dfsthis ? cycle then { cycle = reverseList ([ dfsthis.cycle ] ++ dfsthis.visited); loops = dfsthis.loops; }
    else if toporest ? cycle then toporest
    else { result = [ dfsthis.minimal ] ++ toporest.result; };

  sortOn = f: list:
    map (p: p.v) (b.sort (x: y: x.k < y.k) (map (v: { inherit v; k = f v; }) list));

  compareLists = cmp: a: c:
    if a == [ ] then (if c == [ ] then 0 else -1)
    else if c == [ ] then 1
    else let r = cmp (head a) (head c); in if r == 0 then compareLists cmp (tail a) (tail c) else r;

  naturalSort = b.sort (x: y: x < y);

  take = n: list: sublist 0 n list;
  drop = n: list: sublist n (length list) list;
  takeEnd = n: xs: drop (lib.trivial.max 0 (length xs - n)) xs;
  dropEnd = n: xs: take (lib.trivial.max 0 (length xs - n)) xs;
  sublist = start: count: list:
    let
      len = length list;
      s = if start < 0 then 0 else start;
      n = if s >= len then 0 else if s + count > len then len - s else count;
    in genList (i: elemAt list (s + i)) (if n < 0 then 0 else n);
  hasPrefix = pre: list: take (length pre) list == pre;
  removePrefix = pre: list:
    if hasPrefix pre list then drop (length pre) list else throw "lib.lists.removePrefix: prefix not found";
  commonPrefix = l1: l2:
    let
      n = lib.trivial.min (length l1) (length l2);
      i = findFirstIndex (i: elemAt l1 i != elemAt l2 i) n (range 0 (n - 1));
    in take i l1;

  last = list: assert lib.asserts.assertMsg (list != [ ]) "lists.last: list must not be empty!"; elemAt list (length list - 1);
  init = list: assert lib.asserts.assertMsg (list != [ ]) "lists.init: list must not be empty!"; take (length list - 1) list;

  crossLists = f: foldl (fs: args: concatMap (f: map f args) fs) [ f ];

  unique = b.foldl' (acc: e: if b.elem e acc then acc else acc ++ [ e ]) [ ];
  uniqueStrings = list: b.attrNames (b.listToAttrs (map (s: { name = s; value = null; }) list));
  allUnique = list: length (unique list) == length list;

  intersectLists = e: filter (x: elem x e);
  subtractLists = e: filter (x: !(elem x e));
  mutuallyExclusive = a: c: length a == 0 || !(any (x: elem x a) c);

  zipListsWith = f: fst: snd: genList (n: f (elemAt fst n) (elemAt snd n)) (lib.trivial.min (length fst) (length snd));
  zipLists = zipListsWith (fst: snd: { inherit fst snd; });

  min = lib.trivial.min;
  max = lib.trivial.max;
  last' = last;

  concatMapAttrsToList = f: s: b.concatLists (lib.attrsets.mapAttrsToList f s);
  listToAttrs = b.listToAttrs;
  all' = b.all;
  isEmpty = l: l == [ ];
}
