#!/bin/bash
# node-init.sh — PID 1 of one testbed node.
#
# Started by `testbed up` as
#   ip netns exec fleet-<tb>-<node> unshare --pid --fork --mount-proc --mount --uts --ipc \
#       /bin/bash node-init.sh <node-dir> <node-name> <testbed-dir>
# so it already runs inside the node's network, mount, UTS, IPC and PID namespaces.
# It builds the node's file-system view, starts sshd and then just reaps children.
#
# Signals (sent by `testbed restart-sshd` / `testbed stop-sshd` / `testbed reboot`):
#   USR1  (re)start sshd       USR2  stop sshd (it stays stopped)
#   RTMIN+5  reboot the node (systemd reboots on it too; the stand-in's `systemctl reboot`
#            sends it): see reboot_node below
# sshd is never restarted automatically: a test may stop it on purpose to simulate a
# node that cut itself off. Its exits are logged to /run/testbed/sshd.log.
set -u
D=$1 NODE=$2 HIDE=$3

fail() { echo "node-init: FAILED: $*"; echo "failed: $*" >"$D/init.failed" 2>/dev/null; exit 1; }

# --- file-system view --------------------------------------------------------------
mount --make-rprivate / || fail "make-rprivate"
mount --bind "$D/nix" /nix || fail "bind /nix"
# /etc: copy-on-write view of the host /etc (writes stay in $D/etc-upper), falling back
# to a full per-node copy when overlayfs is unavailable.
if mount -t overlay overlay -o "lowerdir=/etc,upperdir=$D/etc-upper,workdir=$D/etc-work" "$D/etc" 2>/dev/null; then
    echo overlay >"$D/etc-mode"
else
    cp -a /etc/. "$D/etc/" || fail "copy /etc"
    cp -a "$D/etc-upper/." "$D/etc/" || fail "copy node /etc overrides"
    find "$D/etc" -type c -delete   # overlay whiteouts = files deleted in the node
    echo copy >"$D/etc-mode"
fi
mount --bind "$D/etc" /etc || fail "bind /etc"
mount --bind "$D/root" /root || fail "bind /root"
mount --bind "$D/var-lib" /var/lib || fail "bind /var/lib"
mount --bind "$D/var-log" /var/log || fail "bind /var/log"
mount --bind "$D/tmp" /tmp || fail "bind /tmp"
fresh_run() { # an empty /run (and /dev/shm) as at boot, with what the init and sshd need in it
    RUN_ERR="tmpfs /run"
    mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run || return 1
    mkdir -p /run/sshd /run/keys /run/testbed /run/lock
    chmod 0755 /run/sshd
    RUN_ERR="tmpfs /run/keys"
    mount -t tmpfs -o mode=0750,nosuid,nodev tmpfs /run/keys || return 1
    RUN_ERR="tmpfs /dev/shm"
    if [ -d /dev/shm ]; then mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /dev/shm || return 1; fi
    RUN_ERR=
}
fresh_run || fail "$RUN_ERR"
hostname "$NODE" || fail "hostname"
NIX_DAEMON=0; [ -e "$D/nix-daemon" ] && NIX_DAEMON=1   # `testbed up --nix-daemon`; read before hiding
# Hide the whole testbed directory (other nodes' stores, the deployer key, ...).
mount -t tmpfs -o mode=0755,size=64k tmpfs "$HIDE" || fail "hide testbed dir"
cd /
export HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# --- sshd --------------------------------------------------------------------------
SSHD=
gen=0
slog() { echo "$(date '+%F %T') $*" >>/run/testbed/sshd.log; }

sshd_alive() { [ -n "$SSHD" ] && kill -0 "$SSHD" 2>/dev/null; }

start_sshd() {
    if sshd_alive; then return 0; fi
    rm -f /run/sshd.pid
    /usr/sbin/sshd -D -f /etc/ssh/sshd_config -E /var/log/sshd.log </dev/null &
    SSHD=$!
    local i
    for ((i = 0; i < 1000; i++)); do
        [ -s /run/sshd.pid ] && break
        sshd_alive || { slog "sshd failed to start"; SSHD=; return 1; }
        sleep 0.01
    done
    gen=$((gen + 1))
    echo "$gen" >/run/testbed/sshd.generation
    echo running >/run/testbed/sshd.state
    slog "sshd started pid=$SSHD generation=$gen"
}

stop_sshd() {
    if sshd_alive; then
        kill -TERM "$SSHD" 2>/dev/null
        local i
        for ((i = 0; i < 300; i++)); do sshd_alive || break; sleep 0.01; done
        sshd_alive && kill -KILL "$SSHD" 2>/dev/null
    fi
    SSHD=
    rm -f /run/sshd.pid
    echo stopped >/run/testbed/sshd.state
    slog "sshd stopped on request"
}

want_start=0 want_stop=0 want_reboot=0
trap 'want_start=1' USR1
trap 'want_stop=1' USR2
trap 'want_reboot=1' RTMIN+5
trap '' HUP INT TERM PIPE

start_sshd || fail "sshd did not start (see /var/log/sshd.log in the node)"

# --- nix-daemon (only with `testbed up --nix-daemon`) ---------------------------------------
# Non-root users reach the node's store through it. Like NixOS' nix-daemon.service (whose
# restartTriggers include nix.conf), it is restarted when /etc/nix/nix.conf changes, so a
# deployment that adds trusted-users takes effect. Log: /var/log/nix-daemon.log.
supervise_nix_daemon() {
    trap - HUP INT TERM PIPE USR1 USR2
    local sum='' now pid=''
    while :; do
        now=$(cksum </etc/nix/nix.conf 2>/dev/null || true)
        if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null || [ "$now" != "$sum" ]; then
            if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi
            sum=$now
            nix-daemon </dev/null >>/var/log/nix-daemon.log 2>&1 &
            pid=$!
            echo "$(date '+%F %T') nix-daemon started pid=$pid" >>/run/testbed/nix-daemon.log
            local i
            for ((i = 0; i < 500; i++)); do [ -S /nix/var/nix/daemon-socket/socket ] && break; sleep 0.01; done
        fi
        sleep 0.5
    done
}
start_nix_daemon() {
    [ "$NIX_DAEMON" = 1 ] || return 0
    rm -f /nix/var/nix/daemon-socket/socket
    supervise_nix_daemon &
    for ((i = 0; i < 500; i++)); do [ -S /nix/var/nix/daemon-socket/socket ] && break; sleep 0.01; done
    [ -S /nix/var/nix/daemon-socket/socket ]
}
start_nix_daemon || fail "nix-daemon did not start (see /var/log/nix-daemon.log in the node)"
echo ready >/run/testbed/ready

# --- reboot (SIGRTMIN+5) -------------------------------------------------------------------------
# As much of a reboot as one kernel allows: every process of the node ends (services, SSH
# sessions, sshd, agents; TERM, then KILL after ~3 s), /run and /dev/shm start empty, the node
# gets a new boot id (/proc/sys/kernel/random/boot_id), and the system the profile points at —
# the boot loader's default — boots through its `init` (NixOS' stage 2; the stand-in's runs the
# activation and starts the wanted units). sshd (and nix-daemon) come back after it, as they
# would once the system is up. /nix, /etc, /root, /var/lib, /var/log and /tmp are the node's
# disks: they stay. Each step is logged to /var/log/testbed-boot.log.
BOOTLOG=/var/log/testbed-boot.log
blog() { echo "$(date '+%F %T') $*" >>"$BOOTLOG"; }

collect_others() { # PIDS := the node's live processes but this init and its sleeper (no forks)
    PIDS=()
    local p st
    for p in /proc/[0-9]*; do
        p=${p#/proc/}
        if [ "$p" = 1 ] || [ "$p" = "$SLEEPER" ]; then continue; fi
        read -r st <"/proc/$p/stat" 2>/dev/null || continue
        st=${st##*) }
        st=${st%% *}
        [ "$st" = Z ] || [ "$st" = X ] || PIDS+=("$p")
    done
}

end_all() { # SIGNAL: send it to every other process, wait up to ~3 s for them to end
    local i
    collect_others
    [ "${#PIDS[@]}" = 0 ] && return 0
    kill -"$1" "${PIDS[@]}" 2>/dev/null
    for ((i = 0; i < 300; i++)); do
        collect_others
        [ "${#PIDS[@]}" = 0 ] && return 0
        sleep 0.01
    done
    return 1
}

reboot_node() {
    blog "reboot: ending every process"
    end_all TERM || { blog "reboot: still running after TERM: ${PIDS[*]}; KILL"; end_all KILL; }
    SSHD=
    umount /proc/sys/kernel/random/boot_id 2>/dev/null
    umount -l /dev/shm 2>/dev/null
    umount -l /run || blog "reboot: cannot unmount /run"
    fresh_run || blog "reboot: $RUN_ERR failed"
    cat /proc/sys/kernel/random/uuid >/run/testbed/boot_id
    mount --bind /run/testbed/boot_id /proc/sys/kernel/random/boot_id || blog "reboot: cannot set a new boot id"
    local system=/nix/var/nix/profiles/system
    if [ -x "$system/init" ]; then
        blog "reboot: booting $(readlink -f "$system") (boot $(cat /run/testbed/boot_id))"
        # The init's processes get default signal handling, not this init's.
        ( trap - HUP INT TERM PIPE USR1 USR2 RTMIN+5; exec "$system/init" ) </dev/null >>"$BOOTLOG" 2>&1 || blog "reboot: init exited with $?"
    else
        blog "reboot: no system to boot ($system/init is missing)"
    fi
    start_sshd || blog "reboot: sshd did not start"
    start_nix_daemon || blog "reboot: nix-daemon did not start"
    echo ready >/run/testbed/ready
    blog "reboot: up"
}

# A child that never exits, so `wait -n` always has something to wait for.
sleep infinity &
SLEEPER=$!

while :; do
    wait -n
    if [ "$want_reboot" = 1 ]; then want_reboot=0; reboot_node; fi
    if [ "$want_stop" = 1 ]; then want_stop=0; stop_sshd; fi
    if [ "$want_start" = 1 ]; then
        want_start=0
        sshd_alive && { kill -TERM "$SSHD"; for ((i = 0; i < 300; i++)); do sshd_alive || break; sleep 0.01; done; SSHD=; }
        start_sshd || true
    fi
    if [ -n "$SSHD" ] && ! sshd_alive; then
        slog "sshd (pid $SSHD) exited; not restarting (use: testbed restart-sshd)"
        SSHD=
        echo exited >/run/testbed/sshd.state
    fi
    kill -0 "$SLEEPER" 2>/dev/null || { sleep infinity & SLEEPER=$!; }
done
