#!/usr/bin/env bash
# scripts/sgd-netcpu.sh RATE [MB] - the CPU the network stack of the test bed spends per byte carried, for
# `hwnas sgd-predict --cores N --net-cpu-ns-per-byte X` (README.md, "Calibrating the test bed"). Root only.
# With the shaped test bed (scripts/netns-testbed.sh; HWNAS_TB_KEEP=1 uses the one that is up, at least 2
# namespaces, shaped to RATE), MB megabytes (default 200) go from namespace hwtb1 to hwtb0 over one TCP
# connection, as a worker's push does, 3 times; each time the machine's busy CPU time (all cores, /proc/stat:
# user, nice, system, irq, softirq) from the first byte to the receiver's answer, less that of an idle period
# as long right after, divided by the bytes; the median of the 3. It counts both ends (sender and receiver
# live on this machine, as the server and workers do on the test bed) and the veth/bridge/tbf path between
# them. Needs python3 (scripts/tcp-pair.py) and an otherwise idle machine. Prints "net-cpu-ns-per-byte X".
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
BYTES=$((MB * 1000000))
for i in 1 2 3; do
    ip netns exec hwtb0 python3 "$PAIR" recv 7201 "$BYTES" &
    sleep 1
    ip netns exec hwtb1 python3 "$PAIR" cpu 10.231.0.1 7201 "$BYTES" || die "transfer $i failed"
    kill %1 2>/dev/null
    wait 2>/dev/null
done | awk '{ ns = ($3 - $4 > 0 ? $3 - $4 : 0) / $1 * 1e9; v[NR] = ns
              printf "transfer %.0f MB in %.3f s (%.1f Mbit/s): busy %.3f core-s, idle baseline %.3f: %.3f ns/byte\n",
                     $1 / 1e6, $2, $1 * 8 / $2 / 1e6, $3, $4, ns }
            END { if (NR != 3) exit 1
                  a = v[1]; b = v[2]; c = v[3]
                  m = (a > b) ? ((b > c) ? b : ((a > c) ? c : a)) : ((a > c) ? a : ((b > c) ? c : b))
                  printf "net-cpu-ns-per-byte %.3f\n", m }' || die "expected 3 transfers"
