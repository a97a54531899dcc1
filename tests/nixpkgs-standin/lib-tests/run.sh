#!/usr/bin/env bash
# Self-contained test runner for the nixpkgs lib stand-in.
# Needs only `nix-instantiate` and `nix` (2.8+). Exits non-zero on any failure.
# Usage: run.sh [LIB_DIR]   (default: the stand-in's ../lib). Given the lib/ directory of a
# nixpkgs (or nix-community/nixpkgs.lib) checkout, the same tests run against the real lib, which
# is how their expectations are checked.
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
libdir="${1:-$here/../lib}"
libdir="$(cd "$libdir" && pwd)" || { echo "no such lib directory: ${1:-}"; exit 1; }
[ -f "$libdir/default.nix" ] || { echo "not a lib directory (no default.nix): $libdir"; exit 1; }
cd "$here"
fail=0
libarg=(--argstr libDir "$libdir")
echo "lib: $libdir"

echo "== positive tests (tests.nix)"
count=$(nix-instantiate --eval --strict "${libarg[@]}" tests.nix -A count) || { echo "FAIL: tests.nix does not evaluate"; exit 1; }
if out=$(nix-instantiate --eval --strict "${libarg[@]}" tests.nix -A failures 2>&1) && [ "$out" = "[ ]" ]; then
  echo "ok: $count cases"
else
  # Some case failed or aborted the whole evaluation (an error tryEval cannot catch): one by one.
  fail=1 bad=0
  for c in $(nix-instantiate --eval --strict -E 'builtins.concatStringsSep " " (builtins.attrNames (import ./tests.nix { }).cases)' | tr -d '"'); do
    if ! res=$(nix-instantiate --eval --strict "${libarg[@]}" tests.nix -A "results.$c" 2>&1); then
      echo "FAIL: $c: aborts: $(grep -m1 error: <<<"$res")"; bad=$((bad + 1))
    elif [ "$res" != null ]; then
      echo "FAIL: $c: $res"; bad=$((bad + 1))
    fi
  done
  echo "$bad of $count cases failed"
fi

echo "== negative tests (errors.nix)"
names=$(nix-instantiate --eval --strict -E 'builtins.concatStringsSep " " (builtins.attrNames (import ./errors.nix { }))' | tr -d '"')
n=0 nbad=0
for name in $names; do
  n=$((n + 1))
  if res=$(nix-instantiate --eval --strict "${libarg[@]}" errors.nix -A "$name.expr" 2>&1); then
    echo "FAIL: $name: evaluation succeeded, expected an error. Output: $res"; fail=1; continue
  fi
  mapfile -t pats < <(nix --extra-experimental-features nix-command eval --raw "${libarg[@]}" -f errors.nix "$name.expect" \
    --apply 'builtins.concatStringsSep "\n"'; echo)
  # Every fragment must occur, each on the line of the one before it or later (the order of
  # definitions in a message is part of what is tested).
  from=1 bad=""
  for p in "${pats[@]}"; do
    [ -z "$p" ] && continue
    at=$(tail -n +"$from" <<<"$res" | grep -nF -m1 -- "$p" | cut -d: -f1)
    if [ -z "$at" ]; then
      if grep -qF -- "$p" <<<"$res"; then bad+="  out of order: $p"$'\n'; else bad+="  lacks: $p"$'\n'; fi
    else
      from=$((from + at - 1))
    fi
  done
  if [ -n "$bad" ]; then
    echo "FAIL: $name:"; printf '%s' "$bad"; echo "---- output ----"; echo "$res"; echo "----------------"
    fail=1 nbad=$((nbad + 1))
  fi
done
echo "ran $n negative cases, $nbad failed"

if [ "$fail" -ne 0 ]; then echo "LIB-TESTS FAILED"; exit 1; fi
echo "ALL LIB TESTS PASSED"
