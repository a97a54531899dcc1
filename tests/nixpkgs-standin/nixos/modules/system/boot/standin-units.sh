# STAND-IN (nixpkgs stand-in, not systemd): start/stop/state of the stand-in's units, shared by
# switch-to-configuration and the stand-in systemctl. Sourced by bash.
#
# Per unit U, in $STANDIN_STATE (/run/fleet-standin/units):
#   U.hash  hash of the unit's store path (present = the unit is known/loaded)
#   U.unit  symlink to the unit directory in the store
#   U.pgid  process group (= session) of the last run; stop signals it
#   U.pid   main pid of a simple unit (its process group leader)
#   U.exit  exit status of the last run, once it ended
#   U.state active|inactive|failed for oneshot units
# Output of a unit goes to $STANDIN_LOGS/U.log (/var/log/fleet-standin).

STANDIN_STATE=${STANDIN_STATE:-/run/fleet-standin/units}
STANDIN_LOGS=${STANDIN_LOGS:-/var/log/fleet-standin}

standin_unit() { # NAME -> NAME without .service
  printf '%s\n' "${1%.service}"
}

standin_pid_alive() { # PID
  local s
  [ -n "$1" ] && [ -r "/proc/$1/stat" ] || return 1
  s=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
  [ -n "$s" ] && [ "$s" != Z ] && [ "$s" != X ]
}

standin_group_alive() { # PGID: does any live (non-zombie) process remain in the group?
  [ -n "$1" ] || return 1
  ps -e -o pgid= -o stat= 2>/dev/null | awk -v pg="$1" '$1 == pg && $2 !~ /^Z/ { f = 1 } END { exit !f }'
}

standin_unit_state() { # U -> active|inactive|failed
  local u=$1 st=$STANDIN_STATE
  if [ ! -e "$st/$u.hash" ]; then echo inactive; return; fi
  if [ -e "$st/$u.pid" ]; then
    if standin_pid_alive "$(cat "$st/$u.pid")"; then echo active
    elif [ "$(cat "$st/$u.exit" 2>/dev/null)" = 0 ]; then echo inactive
    else echo failed
    fi
  elif [ -e "$st/$u.state" ]; then cat "$st/$u.state"
  else echo inactive
  fi
}

# Start U from unit directory DIR, detached: new session, output appended to the log.
# A oneshot is waited for (returns its status); a simple unit returns at once.
standin_start_unit() { # U DIR
  local u=$1 dir=$2 st=$STANDIN_STATE log pid rc
  mkdir -p "$st" "$STANDIN_LOGS"
  rm -f "$st/$u.pid" "$st/$u.pgid" "$st/$u.exit" "$st/$u.state"
  ln -sfn "$dir" "$st/$u.unit"
  cat "$dir/hash" >"$st/$u.hash"
  log=$STANDIN_LOGS/$u.log
  echo "-- $(date '+%F %T') starting $u.service" >>"$log"
  setsid /bin/bash -c '"$1"; echo $? >"$2"' "standin-$u" "$dir/run" "$st/$u.exit" \
    </dev/null >>"$log" 2>&1 9>&- &
  pid=$!
  echo "$pid" >"$st/$u.pgid"
  if [ "$(cat "$dir/type")" = oneshot ]; then
    wait "$pid"
    rc=$(cat "$st/$u.exit" 2>/dev/null || echo 1)
    if [ "$rc" = 0 ]; then
      if [ -e "$dir/remain-after-exit" ]; then echo active >"$st/$u.state"
      else echo inactive >"$st/$u.state"; standin_kill_group "$pid"
      fi
      return 0
    fi
    echo failed >"$st/$u.state"
    return 1
  fi
  echo "$pid" >"$st/$u.pid"
  return 0
}

standin_kill_group() { # PGID: SIGTERM, then SIGKILL after ~3 s
  local pg=$1 i
  standin_group_alive "$pg" || return 0
  kill -TERM -- "-$pg" 2>/dev/null
  for i in $(seq 30); do
    standin_group_alive "$pg" || return 0
    sleep 0.1
  done
  kill -KILL -- "-$pg" 2>/dev/null
  for i in $(seq 20); do
    standin_group_alive "$pg" || return 0
    sleep 0.1
  done
}

standin_stop_unit() { # U: stop its processes, keep it known (hash/unit) unless FORGET=1
  local u=$1 st=$STANDIN_STATE
  if [ -e "$st/$u.pgid" ]; then
    standin_kill_group "$(cat "$st/$u.pgid")"
    echo "-- $(date '+%F %T') stopped $u.service" >>"$STANDIN_LOGS/$u.log" 2>/dev/null
  fi
  rm -f "$st/$u.pid" "$st/$u.pgid" "$st/$u.exit" "$st/$u.state"
  if [ "${FORGET:-0}" = 1 ]; then rm -f "$st/$u.hash" "$st/$u.unit"; fi
}

standin_known_units() { # units with a record in the state directory
  local f
  for f in "$STANDIN_STATE"/*.hash; do
    [ -e "$f" ] || continue
    f=${f##*/}
    printf '%s\n' "${f%.hash}"
  done
}
