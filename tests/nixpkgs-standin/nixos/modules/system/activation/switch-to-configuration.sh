#!/bin/bash
# STAND-IN switch-to-configuration (nixpkgs stand-in, NOT NixOS; there is no systemd).
# Usage: switch-to-configuration switch|boot|test|dry-activate
#   switch, test   stop units gone from this system, run ./activate (users, /etc, activation
#                  scripts, /run/current-system), reload changed active units that ask for it
#                  (reloadIfChanged), restart the other changed ones, start new wanted ones
#   boot           nothing to do without a bootloader: prints so, exits 0
#   dry-activate   prints what switch would stop/restart/start; changes nothing
# Exit codes: 0 ok, 1 bad usage, 2 activation script failed, 4 a unit failed (after doing the rest).
# Unit state lives in /run/fleet-standin/units, unit output in /var/log/fleet-standin/<unit>.log.
set -u
out=@out@
export PATH=/usr/bin:/bin:/usr/sbin:/sbin
. @unitsLib@

action=${1:-}
case "$action" in
  switch|test|dry-activate) ;;
  boot)
    echo "stand-in: no bootloader here; $out would become the default boot entry"
    exit 0 ;;
  *)
    echo "Usage: $0 [switch|boot|test|dry-activate]" >&2
    exit 1 ;;
esac

if [ "$action" != dry-activate ]; then
  mkdir -p /run/fleet-standin
  exec 9>/run/fleet-standin/switch.lock
  flock 9
fi

joined() { # UNIT... -> "a.service, b.service" (a path unit keeps its own suffix: "a.path")
  local u out=
  for u in "$@"; do
    case $u in *.path) ;; *) u=$u.service ;; esac
    out=${out:+$out, }$u
  done
  [ -n "$out" ] && printf '%s' "$out"
}

# Classify: units known from the running system vs units of this one (in start order).
toStop=() toReload=() toRestart=() toStart=() toRecord=()
for u in $(standin_known_units); do
  if [ ! -e "$out/units/$u" ]; then toStop+=("$u"); fi
done
while IFS= read -r u; do
  [ -n "$u" ] || continue
  dir=$out/units/$u
  newHash=$(cat "$dir/hash")
  if [ -e "$STANDIN_STATE/$u.hash" ]; then
    [ "$(cat "$STANDIN_STATE/$u.hash")" = "$newHash" ] && continue
    if [ -e "$dir/reload-if-changed" ] && [ "$(standin_unit_state "$u")" = active ]; then toReload+=("$u")
    elif [ ! -e "$dir/restart-if-changed" ]; then toRecord+=("$u")
    elif [ -e "$dir/wanted" ] || [ "$(standin_unit_state "$u")" = active ]; then toRestart+=("$u")
    else toRecord+=("$u")
    fi
  elif [ -e "$dir/wanted" ]; then
    toStart+=("$u")
  fi
done <"$out/unit-order"

if [ "$action" = dry-activate ]; then
  [ ${#toStop[@]} -gt 0 ] && echo "would stop the following units: $(joined "${toStop[@]}")"
  echo "would activate the configuration..."
  NIXOS_ACTION=dry-activate "$out/dry-activate" "$out"
  [ ${#toReload[@]} -gt 0 ] && echo "would reload the following units: $(joined "${toReload[@]}")"
  [ ${#toRestart[@]} -gt 0 ] && echo "would restart the following units: $(joined "${toRestart[@]}")"
  [ ${#toStart[@]} -gt 0 ] && echo "would start the following units: $(joined "${toStart[@]}")"
  exit 0
fi

res=0

if [ ${#toStop[@]} -gt 0 ]; then
  echo "stopping the following units: $(joined "${toStop[@]}")"
  for u in "${toStop[@]}"; do FORGET=1 standin_stop_unit "$u"; done
fi

echo "activating the configuration..."
NIXOS_ACTION=$action "$out/activate" "$out" || {
  echo "error: activation script failed" >&2
  res=2
}

for u in "${toRecord[@]}"; do
  ln -sfn "$(readlink -f "$out/units/$u")" "$STANDIN_STATE/$u.unit"
  cat "$out/units/$u/hash" >"$STANDIN_STATE/$u.hash"
done

failed=() startedSimple=()
# Reloaded units keep running: the new unit is recorded and its `reload` script run.
if [ ${#toReload[@]} -gt 0 ]; then
  echo "reloading the following units: $(joined "${toReload[@]}")"
  for u in "${toReload[@]}"; do
    ln -sfn "$(readlink -f "$out/units/$u")" "$STANDIN_STATE/$u.unit"
    cat "$out/units/$u/hash" >"$STANDIN_STATE/$u.hash"
    if [ -e "$out/units/$u/reload" ]; then
      mkdir -p "$STANDIN_LOGS"
      "$out/units/$u/reload" >>"$STANDIN_LOGS/$u.log" 2>&1 || failed+=("$u")
    fi
  done
fi
start_one() { # U
  local u=$1 dir
  dir=$(readlink -f "$out/units/$u")
  if standin_start_unit "$u" "$dir"; then
    [ "$(cat "$dir/type")" = oneshot ] || startedSimple+=("$u")
  else
    failed+=("$u")
  fi
}

if [ ${#toRestart[@]} -gt 0 ]; then
  echo "restarting the following units: $(joined "${toRestart[@]}")"
fi
if [ ${#toStart[@]} -gt 0 ]; then
  echo "starting the following units: $(joined "${toStart[@]}")"
fi
# One pass in start order, so that ordering holds across restarted and new units.
while IFS= read -r u; do
  [ -n "$u" ] || continue
  for r in "${toRestart[@]}"; do
    if [ "$r" = "$u" ]; then standin_stop_unit "$u"; start_one "$u"; fi
  done
  for s in "${toStart[@]}"; do
    if [ "$s" = "$u" ]; then start_one "$u"; fi
  done
done <"$out/unit-order"

# A simple unit that died within ~1 s of starting, with a non-zero status, failed.
if [ ${#startedSimple[@]} -gt 0 ]; then
  for i in $(seq 10); do
    alive=0
    for u in "${startedSimple[@]}"; do
      [ "$(standin_unit_state "$u")" = active ] && alive=$((alive + 1))
    done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for u in "${startedSimple[@]}"; do
    [ "$(standin_unit_state "$u")" = failed ] && failed+=("$u")
  done
fi

if [ ${#failed[@]} -gt 0 ]; then
  echo "warning: the following units failed: $(joined "${failed[@]}")"
  for u in "${failed[@]}"; do
    echo
    echo "unit $u.service failed (exit status $(cat "$STANDIN_STATE/$u.exit" 2>/dev/null || echo unknown)); last lines of $STANDIN_LOGS/$u.log:"
    tail -n 10 "$STANDIN_LOGS/$u.log" 2>/dev/null | sed 's/^/    /'
  done
  res=4
fi

if [ "$res" = 0 ]; then echo "stand-in: $action to $out done"; fi
exit $res
