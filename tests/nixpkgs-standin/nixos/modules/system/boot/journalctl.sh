#!/bin/bash
# STAND-IN journalctl (nixpkgs stand-in, NOT systemd): `journalctl -u UNIT [-n N] [-f]` prints
# the unit's log file from /var/log/fleet-standin; other options are ignored.
. @unitsLib@
unit= lines=all follow=0
while [ $# -gt 0 ]; do
  case "$1" in
    -u|--unit) unit=$(standin_unit "$2"); shift ;;
    --unit=*) unit=$(standin_unit "${1#--unit=}") ;;
    -n|--lines) lines=$2; shift ;;
    -f|--follow) follow=1 ;;
  esac
  shift
done
[ -n "$unit" ] || { echo "stand-in journalctl: only -u UNIT is supported" >&2; exit 1; }
log=$STANDIN_LOGS/$unit.log
[ -e "$log" ] || { echo "-- No entries --"; exit 0; }
if [ "$follow" = 1 ]; then exec tail -n "${lines/all/+1}" -f "$log"; fi
if [ "$lines" = all ]; then cat "$log"; else tail -n "$lines" "$log"; fi
