#!/usr/bin/env bash
# Tests of the nixpkgs STAND-IN's NixOS side: build toplevels, then switch between them in a
# private mount+pid+net namespace whose /etc, /run, /var/lib, /var/log and /home are temporary
# copies, so the host is never touched. Needs root, nix-build, unshare, curl.
# Usage: tests/nixpkgs-standin/tests/run.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

if [ "${STANDIN_IN_NS:-}" != 1 ]; then
  echo "== building test systems"
  for s in v1 v1again v2 broken v3 watched reload1 reload2; do
    path=$(nix-build --option substituters '' --no-out-link "$here/systems.nix" -A "$s" 2>/dev/null)
    export "SYS_$s=$path"
    echo "$s: $path"
  done
  work=$(mktemp -d /tmp/standin-test.XXXXXX)
  trap 'rm -rf "$work"' EXIT
  STANDIN_IN_NS=1 STANDIN_WORK=$work unshare --mount --pid --net --fork --mount-proc --propagation private "$0"
  exit $?
fi

# ---- inside the namespaces ----
w=$STANDIN_WORK
mkdir -p "$w/etc" "$w/varlib" "$w/varlog" "$w/home"
cp -a /etc/. "$w/etc/"
mount --bind "$w/etc" /etc
mount -t tmpfs tmpfs /run
mount --bind "$w/varlib" /var/lib
mount --bind "$w/varlog" /var/log
mount --bind "$w/home" /home
ip link set lo up

pass=0 fail=0
ok() { echo "ok   - $*"; pass=$((pass + 1)); }
bad() { echo "FAIL - $*"; fail=$((fail + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }

# Body of http://127.0.0.1:18080/ (retries for up to 3 s), or nothing.
fetch() {
  for _ in $(seq 30); do
    curl -fsS --max-time 1 http://127.0.0.1:18080/index.html 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}
port_closed() { ! curl -fsS --max-time 1 http://127.0.0.1:18080/ >/dev/null 2>&1; }
switch() { # SYSTEM ACTION -> output in $log, status in $rc
  set +e
  log=$("$1/bin/switch-to-configuration" "$2" 2>&1)
  rc=$?
  set -e
  printf '%s\n' "$log" | sed 's/^/    | /'
}
sysctl() { /run/current-system/sw/bin/systemctl "$@"; }
within_10s() { local i; for i in $(seq 100); do "$@" && return 0; sleep 0.1; done; return 1; } # polls a state

echo "== toplevel"
check "toplevel has the stand-in layout" test -f "$SYS_v1/nixos-version" -a -f "$SYS_v1/standin" -a -x "$SYS_v1/bin/switch-to-configuration" \
  -a -x "$SYS_v1/activate" -a -x "$SYS_v1/sw/bin/systemctl" -a -x "$SYS_v1/sw/bin/hello" -a -e "$SYS_v1/etc/demo/hello.txt" -a -d "$SYS_v1/units/web" -a -f "$SYS_v1/units.json"
check "toplevel links a stand-in kernel, initrd and kernel-modules" test -f "$SYS_v1/kernel" -a -f "$SYS_v1/initrd" -a -d "$SYS_v1/kernel-modules/lib/modules/6.6.1" \
  -a -n "$(grep -l STAND-IN "$SYS_v1/kernel" "$SYS_v1/initrd")"
check "hello is hello-2.12-standin" grep -q -- '-hello-2.12-standin/bin/hello$' <<<"$(readlink "$SYS_v1/sw/bin/hello")"
check "name is nixos-system-<host>-<version>" grep -q -- '-nixos-system-testnode-' <<<"$SYS_v1"
check "same configuration, same store path" test "$SYS_v1" = "$SYS_v1again"
check "different configuration, different store path" test "$SYS_v1" != "$SYS_v2"

echo "== bad usage and boot"
switch "$SYS_v1" frobnicate; check "unknown action exits 1" test "$rc" = 1
switch "$SYS_v1" boot; check "boot exits 0" test "$rc" = 0
check "boot activates nothing" test ! -e /run/current-system

echo "== dry-activate changes nothing"
switch "$SYS_v1" dry-activate
check "dry-activate exits 0" test "$rc" = 0
check "dry-activate says web would start" grep -q 'would start the following units: .*web.service' <<<"$log"
check "no /run/current-system" test ! -e /run/current-system
check "no /etc file written" test ! -e /etc/demo/hello.txt
check "no activation script run" test ! -e /var/lib/standin-test/activated
check "web not started" port_closed

echo "== switch to v1"
switch "$SYS_v1" switch
check "switch exits 0" test "$rc" = 0
check "prints the units it starts" grep -q 'starting the following units: .*web.service' <<<"$log"
check "/run/current-system is v1" test "$(readlink /run/current-system)" = "$SYS_v1"
check "web answers with v1" test "$(fetch)" = v1
check "systemctl is-active web" sysctl is-active -q web
check "systemctl is-active web.service whoami (all active)" sysctl is-active -q web.service whoami
check "/etc/demo/hello.txt written" test "$(cat /etc/demo/hello.txt)" = "hello v1"
check "/etc/demo/secret is a 0600 copy" test "$(stat -c %a /etc/demo/secret)" = 600 -a ! -L /etc/demo/secret
check "/etc/hostname from networking.hostName" test "$(cat /etc/hostname)" = testnode
check "authorized keys in /etc/ssh/authorized_keys.d/alice" grep -q test@standin /etc/ssh/authorized_keys.d/alice
check "activation script ran after etc" test "$(cat /var/lib/standin-test/activated)" = "hello v1"
check "user alice created" grep -q '^alice:' /etc/passwd
check "alice is in wheel" grep -q '^wheel:.*alice' /etc/group
check "home created" test -d /home/alice
check "oneshot ran as alice" test "$(cat /var/lib/whoami/user 2>/dev/null)" = alice
check "pid file and log exist" test -s /run/fleet-standin/units/web.pid -a -f /var/log/fleet-standin/web.log
pid1=$(cat /run/fleet-standin/units/web.pid)

echo "== switch to v1 again: nothing restarts"
switch "$SYS_v1" switch
check "exits 0" test "$rc" = 0
check "web keeps its pid" test "$(cat /run/fleet-standin/units/web.pid)" = "$pid1"

echo "== systemctl stop/start"
sysctl stop web
check "stopped: port closed" port_closed
check "is-active says inactive" test "$(sysctl is-active web)" = inactive
sysctl start web
check "started again: answers" test "$(fetch)" = v1
pid1=$(cat /run/fleet-standin/units/web.pid)

echo "== dry-activate v2 changes nothing"
switch "$SYS_v2" dry-activate
check "would restart web" grep -q 'would restart the following units: web.service' <<<"$log"
check "still v1" test "$(readlink /run/current-system)" = "$SYS_v1" -a "$(fetch)" = v1

echo "== switch to v2: changed script restarts web, /etc follows"
switch "$SYS_v2" switch
check "exits 0" test "$rc" = 0
check "prints the restart" grep -q 'restarting the following units: web.service' <<<"$log"
check "web answers with v2" test "$(fetch)" = v2
check "web has a new pid" test "$(cat /run/fleet-standin/units/web.pid)" != "$pid1"
check "whoami (unchanged) not re-run" test "$(grep -c 'starting whoami' /var/log/fleet-standin/whoami.log)" = 1
check "/etc/demo/hello.txt removed" test ! -e /etc/demo/hello.txt
check "/etc/demo/other.txt added" test "$(cat /etc/demo/other.txt)" = other

echo "== switch to a system whose new service dies at once"
switch "$SYS_broken" switch
check "exits 4" test "$rc" = 4
check "reports the failed unit" grep -q 'unit crash.service failed' <<<"$log"
check "is-failed crash" sysctl is-failed -q crash
check "is-active crash fails" bash -c '! /run/current-system/sw/bin/systemctl is-active -q crash'
check "the rest was done: web still up" test "$(fetch)" = v2

echo "== switch to v3: web removed"
switch "$SYS_v3" test
check "exits 0" test "$rc" = 0
check "prints the stop" grep -q 'stopping the following units: .*web.service' <<<"$log"
check "port closed" port_closed
check "is-active web is inactive" test "$(sysctl is-active web)" = inactive
check "no record left" test ! -e /run/fleet-standin/units/web.hash
check "/etc/demo gone" test ! -e /etc/demo

echo "== a path unit starts its service whenever the path exists"
switch "$SYS_watched" switch
check "exits 0" test "$rc" = 0
check "the path unit is active" sysctl is-active -q flag.path
check "the service waits for the path" test "$(sysctl is-active flag)" = inactive
touch /run/flag
check "the path appears: the service starts" within_10s sysctl is-active -q flag
rm /run/flag
check "the path goes: the service ends" within_10s bash -c '[ "$(/run/current-system/sw/bin/systemctl is-active flag)" = inactive ]'
touch /run/flag
check "the path is back: the service starts again" within_10s sysctl is-active -q flag
rm /run/flag

echo "== a reloadIfChanged service is reloaded, not restarted"
switch "$SYS_reload1" switch
check "exits 0" test "$rc" = 0
check "greeter runs" sysctl is-active -q greeter
pid=$(cat /run/fleet-standin/units/greeter.pid)
switch "$SYS_reload2" dry-activate
check "dry-activate says it would reload it" grep -qx 'would reload the following units: greeter.service' <<<"$log"
check "dry-activate would not restart it" bash -c '! grep -q "would restart" <<<"$1"' _ "$log"
switch "$SYS_reload2" switch
check "exits 0" test "$rc" = 0
check "prints the reload" grep -qx 'reloading the following units: greeter.service' <<<"$log"
check "its reload script ran" test "$(cat /var/lib/standin-test/reloaded)" = two
check "the same process still runs" test "$(cat /run/fleet-standin/units/greeter.pid)" = "$pid" -a -d "/proc/$pid"

echo "== init boots a system, on a fresh /run only"
set +e; log=$("$SYS_v2/init" 2>&1); rc=$?; set -e
check "init refuses while a system runs" test "$rc" = 1
# What a reboot does to the stand-in's world: its processes end and /run starts empty.
for g in /run/fleet-standin/units/*.pgid; do [ -e "$g" ] && kill -KILL -- "-$(cat "$g")" 2>/dev/null || true; done
umount -l /run
mount -t tmpfs tmpfs /run
set +e; log=$("$SYS_v2/init" 2>&1); rc=$?; set -e
printf '%s\n' "$log" | sed 's/^/    | /'
check "init exits 0" test "$rc" = 0
check "/run/booted-system and /run/current-system are v2" test "$(readlink /run/booted-system)" = "$SYS_v2" -a "$(readlink /run/current-system)" = "$SYS_v2"
check "web (wanted) started: answers with v2" test "$(fetch)" = v2
check "systemctl reboot refuses outside a testbed node" bash -c '! /run/current-system/sw/bin/systemctl reboot 2>/dev/null'

echo
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
