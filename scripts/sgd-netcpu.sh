#!/usr/bin/env bash
# scripts/sgd-netcpu.sh RATE [MB] - the CPU the network stack of the test bed spends per byte carried, for
# `hwnas sgd-predict --cores N --net-cpu-ns-per-byte X` (README.md, "CPU sharing"). Root only. With the
# shaped test bed (scripts/netns-testbed.sh; HWNAS_TB_KEEP=1 uses the one that is up, at least 2 namespaces,
# shaped to RATE), MB megabytes (default 200) go from namespace hwtb1 to hwtb0 over one TCP connection, as a
# worker's push does (the reverse, a pull, costs the same path); the machine's busy CPU time (all cores,
# /proc/stat: user, nice, system, irq, softirq) during the transfer, less the busy time of an idle period as
# long just before, divided by the bytes. It counts both ends (sender and receiver live on this machine, as
# the server and workers do on the test bed) and the veth/bridge/tbf path between them. Needs python3
# (scripts/tcp-pair.py) and an otherwise idle machine. Prints "net-cpu-ns-per-byte X".
set -u
die() { echo "sgd-netcpu: $*" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: $0 RATE [MB]  (RATE e.g. 1gbit)"
RATE=$1 MB=${2:-200}
[[ $MB =~ ^[1-9][0-9]*$ ]] || die "MB '$MB' is not a positive integer"
[ "$(id -u)" -eq 0 ] || die "must run as root (the test bed needs network namespaces and tc)"
command -v python3 >/dev/null || die "python3 not found (scripts/install-deps.sh testbed)"
HERE=$(cd "$(dirname "$0")" && pwd)
TB=$HERE/netns-testbed.sh PAIR=$HERE/tcp-pair.py
if [ "${HWNAS_TB_KEEP:-0}" = 1 ]; then
    ip netns list | grep -q '^hwtb1\b' || die "HWNAS_TB_KEEP=1 but no namespace hwtb1"
else
    "$TB" up 2 "$RATE" >&2 || exit $?
    trap '"$TB" down' EXIT
fi
busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; } # jiffies: user nice system irq softirq
hz=$(getconf CLK_TCK)
BYTES=$((MB * 1000000))
ip netns exec hwtb0 python3 "$PAIR" recv 7201 "$BYTES" &
rpid=$!
sleep 1
# the transfer, then an idle period as long for the baseline
b1=$(busy); t1=$(date +%s.%N)
secs=$(ip netns exec hwtb1 python3 "$PAIR" send 10.231.0.1 7201 "$BYTES" "$(date +%s.%N)" 1 1 | awk '{ print $2 }') ||
    die "the transfer failed"
b2=$(busy); t2=$(date +%s.%N)
kill $rpid 2>/dev/null; wait 2>/dev/null
dur=$(awk -v a="$t1" -v b="$t2" 'BEGIN { print b - a }')
sleep "$dur"
b3=$(busy)
awk -v b1="$b1" -v b2="$b2" -v b3="$b3" -v hz="$hz" -v n="$BYTES" -v s="$secs" -v d="$dur" 'BEGIN {
    net = (b2 - b1) - (b3 - b2); if (net < 0) net = 0
    printf "transfer %.0f MB in %.3f s (%.1f Mbit/s); busy %.2f core-s during %.2f s, idle baseline %.2f core-s\n",
           n / 1e6, s, n * 8 / s / 1e6, (b2 - b1) / hz, d, (b3 - b2) / hz
    printf "net-cpu-ns-per-byte %.3f\n", net / hz / n * 1e9 }'
