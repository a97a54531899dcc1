#!/usr/bin/env bash
# Self-check of the testbed: real namespaces, real sshd, real nix copies. Run as root.
#   tests/testbed/selftest.sh            full check (3 nodes, two parallel testbeds, 10-node timing)
#   SELFTEST_BIG=50 tests/testbed/selftest.sh   additionally time a 50-node testbed
set -euo pipefail
HERE=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
TB=$HERE/testbed
[ "$(id -u)" = 0 ] || { echo "selftest: run as root" >&2; exit 1; }

A=sta$$ B=stb$$ C=stc$$ TEN=st10x$$
fails=0
pass() { echo "PASS  $*"; }
fail() { echo "FAIL  $*"; fails=$((fails + 1)); }
check() { # DESCRIPTION CMD...
    local what=$1; shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}
ms() { date +%s%3N; }
json() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {"d": d}))' "$@"; }
jtest() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2], {"d": d}) else 1)' "$@"; }
finish() {
    for n in $A $B $C $TEN; do "$TB" down "$n" >/dev/null 2>&1 || true; done
}
trap finish EXIT
NIXOPTS=(--option substituters '')

# ---- bring up a 3-node testbed ----------------------------------------------------------
"$TB" cleanup
t=$(ms)
"$TB" up --name $A --nodes 3 >/tmp/selftest-$A.json
echo "time: up 3 nodes: $(($(ms) - t)) ms"
J=/tmp/selftest-$A.json
CFG=$(json $J 'd["sshConfig"]')
ROOT=$(json $J 'd["root"]')
check "testbed.json written and equal to stdout" cmp -s $J "$ROOT/testbed.json"
check "json has the stable fields" jtest $J 'all(k in d for k in ["name","subnet","bridge","deployerAddress","sshConfig","knownHosts","identityFile","root","nodes"]) and all(set(["name","address","sshPort","initPid","dir"]) <= set(n) for n in d["nodes"])'

# ---- ssh with host-key checking ---------------------------------------------------------
for n in node1 node2 node3; do
    h=$(ssh -F "$CFG" $n hostname 2>&1 || true)
    check "ssh -F cfg $n hostname (StrictHostKeyChecking=yes) -> $h" [ "$h" = $n ]
done
addr1=$(json $J 'd["nodes"][0]["address"]')
h=$(ssh -i "$(json $J 'd["identityFile"]')" -o UserKnownHostsFile="$(json $J 'd["knownHosts"]')" \
    -o StrictHostKeyChecking=yes -o BatchMode=yes root@"$addr1" hostname 2>&1 || true)
check "ssh root@$addr1 with identityFile/knownHosts from the json -> $h" [ "$h" = node1 ]

# ---- namespaces ---------------------------------------------------------------------------
for ns in mnt net uts pid; do
    a=$(ssh -F "$CFG" node2 readlink /proc/self/ns/$ns)
    b=$("$TB" exec $A node2 -- readlink /proc/self/ns/$ns)
    check "ssh session and testbed exec share the node's $ns namespace ($a)" [ "$a" = "$b" ] && [ "$a" != "$(readlink /proc/self/ns/$ns)" ]
done
rc=0; "$TB" exec $A node1 -- sh -c 'exit 3' || rc=$?
check "exec keeps the exit code ($rc)" [ $rc = 3 ]
check "exec passes stdin through" [ "$(echo piped | "$TB" exec $A node1 -- cat)" = piped ]
check "host /nix is not visible in a node (store starts empty)" [ "$("$TB" exec $A node1 -- sh -c 'ls -A /nix/store | wc -l')" = 0 ]
check "no node mount is visible on the host" bash -c "! grep -q ' $ROOT/' /proc/self/mountinfo"
check "node cannot see the testbed dir (other nodes' stores)" [ "$("$TB" exec $A node1 -- sh -c "ls -A '$ROOT' | wc -l")" = 0 ]
check "/run/keys is a tmpfs with mode 750" [ "$("$TB" exec $A node1 -- stat -f -c %T /run/keys)/$("$TB" exec $A node1 -- stat -c %a /run/keys)" = tmpfs/750 ]
"$TB" exec $A node1 -- sh -c 'echo node-only > /etc/fleet-selftest'
check "a write to /etc in a node stays in that node" bash -c "[ ! -e /etc/fleet-selftest ] && ! \"$TB\" exec $A node2 -- test -e /etc/fleet-selftest && \"$TB\" exec $A node1 -- test -e /etc/fleet-selftest"

# ---- network --------------------------------------------------------------------------
banner=$("$TB" exec $A node1 -- bash -c 'exec 3<>/dev/tcp/node2/22; head -c 7 <&3' || true)
check "node1 reaches node2:22 over the bridge (by name) -> $banner" [ "$banner" = SSH-2.0 ]
check "node3 sshes to node2 with node-wide known hosts (host key accepted, key auth refused)" \
    bash -c "\"$TB\" exec $A node3 -- ssh -o BatchMode=yes -o StrictHostKeyChecking=yes node2 true 2>&1 | grep -q 'Permission denied'"

# ---- nix copy -------------------------------------------------------------------------
drv="derivation { name=\"fleet-selftest-$$-$(date +%s%N)\"; system=builtins.currentSystem; builder=\"/bin/sh\"; args=[\"-c\" \"echo hi > \$out\"]; }"
P=$(nix-build "${NIXOPTS[@]}" --no-out-link -E "$drv" 2>/dev/null)
echo "built $P"
t=$(ms)
NIX_SSHOPTS="-F $CFG" nix-copy-closure --to root@node1 "$P" 2>&1 | grep -v '^copying' || true
echo "time: nix-copy-closure to node1: $(($(ms) - t)) ms"
nix-store --delete "$P" >/dev/null 2>&1 || true
check "path deleted on the host" [ ! -e "$P" ]
check "path is in node1's store (valid, content 'hi')" [ "$("$TB" exec $A node1 -- sh -c "nix-store --check-validity $P && cat $P")" = hi ]
check "path is not in node2's store" bash -c "! \"$TB\" exec $A node2 -- test -e $P"
check "path is not in node3's store" bash -c "! ssh -F \"$CFG\" node3 test -e $P"
Q=$("$TB" exec $A node1 -- sh -c 'echo from-node1 > /tmp/f && nix-store --add /tmp/f')
NIX_SSHOPTS="-F $CFG" nix-copy-closure --from root@node1 "$Q" >/dev/null 2>&1 || true
NIX_SSHOPTS="-F $CFG" nix-copy-closure --to root@node2 "$Q" >/dev/null 2>&1
check "path added in node1 copied to node2 via the deployer" [ "$(ssh -F "$CFG" node2 cat "$Q")" = from-node1 ]
nix-store --delete "$Q" >/dev/null 2>&1 || true

# ---- sshd control ---------------------------------------------------------------------
"$TB" stop-sshd $A node3
check "stop-sshd: node3 refuses ssh" bash -c "! ssh -F \"$CFG\" -o ConnectTimeout=3 node3 true 2>/dev/null"
sleep 0.3
check "stopped sshd is not restarted automatically" bash -c "! ssh -F \"$CFG\" -o ConnectTimeout=3 node3 true 2>/dev/null"
"$TB" restart-sshd $A node3
check "restart-sshd: node3 answers again" [ "$(ssh -F "$CFG" node3 hostname)" = node3 ]

# ---- reboot --------------------------------------------------------------------------------
"$TB" exec $A node3 -- sh -c 'setsid sleep 600 </dev/null >/dev/null 2>&1 & echo k >/run/keys/k; echo d >/var/lib/disk'
bid=$("$TB" exec $A node3 -- cat /proc/sys/kernel/random/boot_id)
t=$(ms)
"$TB" reboot $A node3
echo "time: reboot node3 (no system to boot): $(($(ms) - t)) ms"
check "reboot: a new boot id" [ "$("$TB" exec $A node3 -- cat /proc/sys/kernel/random/boot_id)" != "$bid" ]
check "reboot: the node's processes ended" [ -z "$("$TB" exec $A node3 -- pgrep -f 'sleep 600' || true)" ]
check "reboot: /run/keys is empty, /var/lib kept" [ "$("$TB" exec $A node3 -- sh -c 'ls -A /run/keys | wc -l; cat /var/lib/disk')" = "0
d" ]
check "reboot: sshd answers again" [ "$(ssh -F "$CFG" node3 hostname)" = node3 ]
check "reboot: other nodes keep the host's boot id" [ "$("$TB" exec $A node2 -- cat /proc/sys/kernel/random/boot_id)" = "$(cat /proc/sys/kernel/random/boot_id)" ]

# ---- two more testbeds at once -------------------------------------------------------------
t=$(ms)
"$TB" up --name $B --nodes 2 >/tmp/selftest-$B.json 2>/tmp/selftest-$B.err &
pb=$!
"$TB" up --name $C --node-names web,db >/tmp/selftest-$C.json 2>/tmp/selftest-$C.err &
pc=$!
rb=0 rc=0
wait $pb || rb=$?
wait $pc || rc=$?
echo "time: two testbeds up in parallel: $(($(ms) - t)) ms"
check "parallel up of $B and $C" [ $rb = 0 ] && [ $rc = 0 ] || cat /tmp/selftest-$B.err /tmp/selftest-$C.err
subnets=$(for f in $J /tmp/selftest-$B.json /tmp/selftest-$C.json; do json $f 'd["subnet"]'; done | sort -u | wc -l)
check "three testbeds, three distinct subnets" [ "$subnets" = 3 ]
check "ssh into $C/web and $B/node2" bash -c "[ \"\$(ssh -F $(json /tmp/selftest-$C.json 'd["sshConfig"]') web hostname)\" = web ] && [ \"\$(ssh -F $(json /tmp/selftest-$B.json 'd["sshConfig"]') node2 hostname)\" = node2 ]"
"$TB" list

# ---- down leaves nothing ---------------------------------------------------------------
leftovers() { # JSON -> prints whatever of that testbed still exists
    local j=$1 name br root p
    name=$(json "$j" 'd["name"]'); br=$(json "$j" 'd["bridge"]'); root=$(json "$j" 'd["root"]')
    ip netns list | awk '{print $1}' | grep -Fx -f <(json "$j" '"\n".join("fleet-"+d["name"]+"-"+n["name"] for n in d["nodes"])') || true
    ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -E "^${br}(n[0-9]+)?$" || true
    grep -F " $root" /proc/self/mountinfo || true
    for p in $(json "$j" '" ".join(str(n["initPid"]) for n in d["nodes"])'); do
        if [ -e /proc/$p ] && [ "$(awk '{print $3}' /proc/$p/stat 2>/dev/null)" != Z ]; then echo "process $p"; fi
    done
    ps -eo pid,stat,args | grep -F "$root" | grep -v -e grep -e ' Z' || true
    [ ! -e "$root" ] || echo "dir $root"
    [ ! -e /run/fleet-testbed/testbeds/$name ] || echo "registry entry $name"
}
for n in $A $B $C; do
    t=$(ms)
    "$TB" down $n
    [ $n != $A ] || echo "time: down 3 nodes: $(($(ms) - t)) ms"
    left=$(leftovers /tmp/selftest-$n.json)
    check "down $n leaves no netns, link, mount, process or file" [ -z "$left" ] || echo "$left"
done

# ---- timing: 10 nodes (and optionally more) ---------------------------------------------
for size in 10 ${SELFTEST_BIG:-}; do
    t=$(ms)
    "$TB" up --name $TEN --nodes "$size" >/tmp/selftest-$TEN.json
    tu=$(($(ms) - t))
    cfg=$(json /tmp/selftest-$TEN.json 'd["sshConfig"]')
    ok=1
    for ((i = 1; i <= size; i++)); do ssh -F "$cfg" node$i true & done
    for ((i = 1; i <= size; i++)); do wait -n || ok=0; done
    t=$(ms)
    "$TB" down $TEN
    td=$(($(ms) - t))
    echo "time: $size nodes: up $tu ms, down $td ms"
    check "$size nodes all answer ssh" [ $ok = 1 ]
    left=$(leftovers /tmp/selftest-$TEN.json)
    check "down of $size nodes leaves nothing" [ -z "$left" ] || echo "$left"
done

rm -f /tmp/selftest-{$A,$B,$C,$TEN}.{json,err}
if [ $fails = 0 ]; then echo "selftest: all checks passed"; else echo "selftest: $fails check(s) FAILED"; exit 1; fi
