#!/bin/bash
# STAND-IN stage-2 init (nixpkgs stand-in, NOT NixOS; there is no systemd). NixOS boots a system
# by running its `init`: the activation, then systemd, which starts the wanted units. This one
# does the same short of becoming PID 1: it records /run/booted-system, activates the system
# and starts its wanted units, then exits. It is meant for a fresh /run (a testbed node's init
# runs it after an emulated reboot, tests/testbed/node-init.sh), and refuses to run otherwise.
set -u
out=@out@
export PATH=/usr/bin:/bin:/usr/sbin:/sbin

if [ -e /run/current-system ] || [ -n "$(ls -A /run/fleet-standin/units 2>/dev/null)" ]; then
  echo "stand-in init: /run already holds a running system; init only boots a fresh one" >&2
  exit 1
fi
mkdir -p /run
ln -sfn "$out" /run/booted-system
echo "stand-in init: booting $out"
# No unit is known yet, so `test` runs the activation and starts every wanted unit; unlike
# `switch` it leaves the boot loader alone, which is what just booted this system.
exec "$out/bin/switch-to-configuration" test
