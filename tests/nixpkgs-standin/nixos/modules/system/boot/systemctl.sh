#!/bin/bash
# STAND-IN systemctl (nixpkgs stand-in, NOT systemd): answers for the units of
# /run/current-system/units as run by switch-to-configuration. Commands: is-active, is-failed,
# status, start, stop, restart, try-restart, reload-or-restart, list-units [--failed], show,
# is-enabled, daemon-reload, reset-failed, reboot. Exit codes follow systemctl: 0 ok, 1 failed job,
# 3 not active (is-active/status), 4 no such unit (status), 5 unit not found (start...).
# Deviation: is-active exits 0 only if ALL named units are active.
. @unitsLib@
current=/run/current-system

quiet=0 failedOnly=0 props=()
args=()
for a in "$@"; do
  case "$a" in
    -q|--quiet) quiet=1 ;;
    --failed|--state=failed) failedOnly=1 ;;
    -p*) [ "$a" != -p ] && props+=("${a#-p}") || pendingProp=1 ;;
    --property=*) props+=("${a#--property=}") ;;
    --no-pager|--no-block|--no-legend|--plain|--all|-a|--full|-l|--type=*|--system|--now) ;;
    *) if [ -n "${pendingProp:-}" ]; then props+=("$a"); pendingProp=; else args+=("$a"); fi ;;
  esac
done
cmd=${args[0]:-list-units}
units=("${args[@]:1}")

unit_dir() { # U -> the unit dir in the current system, or nothing
  [ -e "$current/units/$1" ] && readlink -f "$current/units/$1"
}

say() { [ "$quiet" = 1 ] || printf '%s\n' "$@"; }

is_target() { case "$1" in *.target) return 0 ;; *) return 1 ;; esac; }

state_of() { # NAME -> state
  local u
  if is_target "$1"; then echo active; return; fi
  u=$(standin_unit "$1")
  standin_unit_state "$u"
}

check_started() { # U: after a start, a simple unit that died within 0.5 s is a failure
  local u=$1
  sleep 0.5
  [ "$(standin_unit_state "$u")" != failed ]
}

case "$cmd" in
  is-active)
    rc=0
    for n in "${units[@]}"; do s=$(state_of "$n"); say "$s"; [ "$s" = active ] || rc=3; done
    exit $rc ;;
  is-failed)
    rc=1
    for n in "${units[@]}"; do s=$(state_of "$n"); say "$s"; [ "$s" = failed ] && rc=0; done
    exit $rc ;;
  is-enabled)
    rc=1
    for n in "${units[@]}"; do
      d=$(unit_dir "$(standin_unit "$n")")
      if [ -n "$d" ] && [ -e "$d/wanted" ]; then say enabled; rc=0; elif [ -n "$d" ]; then say static; rc=0; else say disabled; fi
    done
    exit $rc ;;
  start|stop|restart|try-restart|reload-or-restart|reload|condrestart)
    [ "${#units[@]}" -gt 0 ] || { echo "Too few arguments." >&2; exit 1; }
    rc=0
    for n in "${units[@]}"; do
      is_target "$n" && continue
      u=$(standin_unit "$n")
      d=$(unit_dir "$u")
      if [ -z "$d" ] && [ "$cmd" != stop ]; then echo "Failed to $cmd $u.service: Unit $u.service not found." >&2; rc=5; continue; fi
      case "$cmd" in
        stop) standin_stop_unit "$u" ;;
        start) [ "$(standin_unit_state "$u")" = active ] && continue
               standin_start_unit "$u" "$d" && check_started "$u" || { echo "Job for $u.service failed. See \"journalctl -u $u\"." >&2; rc=1; } ;;
        try-restart|condrestart) [ "$(standin_unit_state "$u")" = active ] || continue
               standin_stop_unit "$u"; standin_start_unit "$u" "$d" && check_started "$u" || { echo "Job for $u.service failed." >&2; rc=1; } ;;
        *) standin_stop_unit "$u"; standin_start_unit "$u" "$d" && check_started "$u" || { echo "Job for $u.service failed. See \"journalctl -u $u\"." >&2; rc=1; } ;;
      esac
    done
    exit $rc ;;
  status)
    rc=0
    for n in "${units[@]}"; do
      u=$(standin_unit "$n"); d=$(unit_dir "$u")
      if [ -z "$d" ] && [ ! -e "$STANDIN_STATE/$u.hash" ]; then echo "Unit $u.service could not be found." >&2; rc=4; continue; fi
      s=$(standin_unit_state "$u")
      echo "* $u.service - $(cat "$d/description" 2>/dev/null)"
      echo "     Loaded: loaded (${d:-gone from the current system}; stand-in unit)"
      echo "     Active: $s"
      [ -e "$STANDIN_STATE/$u.pid" ] && echo "   Main PID: $(cat "$STANDIN_STATE/$u.pid")"
      [ -e "$STANDIN_STATE/$u.exit" ] && echo "  Last exit: $(cat "$STANDIN_STATE/$u.exit")"
      echo
      tail -n 10 "$STANDIN_LOGS/$u.log" 2>/dev/null
      [ "$s" = active ] || { [ $rc = 0 ] && rc=3; }
    done
    exit $rc ;;
  show)
    for n in "${units[@]}"; do
      u=$(standin_unit "$n"); d=$(unit_dir "$u"); s=$(state_of "$n")
      pid=0; [ "$s" = active ] && [ -e "$STANDIN_STATE/$u.pid" ] && pid=$(cat "$STANDIN_STATE/$u.pid")
      case $s in active) sub=running; [ -e "$STANDIN_STATE/$u.state" ] && sub=exited ;; failed) sub=failed ;; *) sub=dead ;; esac
      load=loaded; [ -z "$d" ] && ! is_target "$n" && load=not-found
      all="Id=$u.service
Description=$(cat "$d/description" 2>/dev/null)
LoadState=$load
ActiveState=$s
SubState=$sub
MainPID=$pid
ExecMainStatus=$(cat "$STANDIN_STATE/$u.exit" 2>/dev/null || echo 0)
Result=$([ "$s" = failed ] && echo exit-code || echo success)"
      if [ "${#props[@]}" -eq 0 ]; then printf '%s\n' "$all"
      else
        for p in "${props[@]}"; do
          IFS=, read -ra ps <<<"$p"
          for p1 in "${ps[@]}"; do printf '%s\n' "$all" | grep "^$p1="; done
        done
      fi
    done ;;
  list-units)
    { ls "$current/units" 2>/dev/null; standin_known_units; } | sort -u | while read -r u; do
      [ -n "$u" ] || continue
      s=$(standin_unit_state "$u")
      [ "$failedOnly" = 1 ] && [ "$s" != failed ] && continue
      printf '%-40s %-8s %-8s %s\n' "$u.service" loaded "$s" "$(cat "$current/units/$u/description" 2>/dev/null)"
    done ;;
  reset-failed)
    for u in $(standin_known_units); do
      [ "$(standin_unit_state "$u")" = failed ] && rm -f "$STANDIN_STATE/$u.exit" "$STANDIN_STATE/$u.state" "$STANDIN_STATE/$u.pid"
    done; exit 0 ;;
  daemon-reload|daemon-reexec) exit 0 ;;
  reboot)
    # No systemd to reboot. A testbed node's init (tests/testbed/node-init.sh) emulates a reboot
    # on SIGRTMIN+5, as systemd reboots on it; anywhere else the stand-in cannot reboot.
    if [ -e /run/testbed/ready ] && kill -s RTMIN+5 1 2>/dev/null; then exit 0; fi
    echo "stand-in systemctl: cannot reboot here (only a testbed node's init emulates a reboot)" >&2
    exit 1 ;;
  *) echo "stand-in systemctl: unsupported command '$cmd'" >&2; exit 1 ;;
esac
