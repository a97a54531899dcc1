#!/usr/bin/env bash
# Self-contained test runner for the nixpkgs lib stand-in.
# Needs only `nix-instantiate` and `nix` (2.8+). Exits non-zero on any failure.
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
fail=0

echo "== positive tests (tests.nix)"
count=$(nix-instantiate --eval --strict tests.nix -A count) || { echo "FAIL: tests.nix does not evaluate"; exit 1; }
if ! out=$(nix-instantiate --eval --strict tests.nix -A failures 2>&1); then
  echo "FAIL: evaluating tests.nix failures aborted:"; echo "$out"
  echo "Per-case results:"
  for c in $(nix-instantiate --eval --strict -E 'builtins.concatStringsSep " " (builtins.attrNames (import ./tests.nix).cases)' | tr -d '"'); do
    nix-instantiate --eval --strict tests.nix -A "cases.$c.expr" >/dev/null 2>&1 || echo "  aborts: $c"
  done
  fail=1
elif [ "$out" != "[ ]" ]; then
  echo "FAIL: $out"; fail=1
else
  echo "ok: $count cases"
fi

echo "== negative tests (errors.nix)"
names=$(nix-instantiate --eval --strict -E 'builtins.concatStringsSep " " (builtins.attrNames (import ./errors.nix))' | tr -d '"')
n=0
for name in $names; do
  n=$((n + 1))
  if res=$(nix-instantiate --eval --strict errors.nix -A "$name.expr" 2>&1); then
    echo "FAIL: $name: evaluation succeeded, expected an error. Output: $res"; fail=1; continue
  fi
  mapfile -t pats < <(nix --extra-experimental-features nix-command eval --raw -f errors.nix "$name.expect" \
    --apply 'builtins.concatStringsSep "\n"'; echo)
  for p in "${pats[@]}"; do
    [ -z "$p" ] && continue
    if ! grep -qF -- "$p" <<<"$res"; then
      echo "FAIL: $name: error output lacks: $p"; echo "---- output ----"; echo "$res"; echo "----------------"; fail=1
    fi
  done
done
echo "ran $n negative cases"

if [ "$fail" -ne 0 ]; then echo "LIB-TESTS FAILED"; exit 1; fi
echo "ALL LIB TESTS PASSED"
