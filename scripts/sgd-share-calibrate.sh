#!/usr/bin/env bash
# scripts/sgd-share-calibrate.sh RATE [ROUNDS] [BYTES] - measures how unevenly two concurrent TCP transfers
# share one shaped link of the test bed (README.md, "Calibrating the test bed"), for `hwnas sgd-predict --share noisy
# --share-sigma PULL,PUSH`. Root only (it brings up scripts/netns-testbed.sh with 3 namespaces and tears it
# down). Per direction, ROUNDS (default 16) rounds in which two transfers of BYTES (default 2460000, about
# one NB201 C=16 model) start together over persistent connections:
#   pull: the server namespace sends to two workers (the server's egress is shared);
#   push: two workers send to the server (its ingress is shared).
# If the pair shared the link by weights w1, w2 (the model's lognormal weights), the first would end at
# t1 = T/f and the second at t2 = 2T (T = one transfer alone, f = the larger share), so f = t2 / (2 t1), and
# L = ln(f / (1 - f)) = |ln w1 - ln w2| ~ |N(0, 2 sigma^2)|: sigma = sqrt(mean(L^2) / 2).
# Output: one line per round, then "pull sigma S (N rounds)", "push sigma S", "share-sigma P,Q". Needs
# python3 (scripts/tcp-pair.py). About ROUNDS x 2 x (3 x 2T + 1) s: 7 min at 10mbit, 1 min at 100mbit.
# HWNAS_TB_KEEP=1: use the test bed that is up (at least 3 namespaces, already shaped to RATE) and leave it.
set -u
die() { echo "sgd-share-calibrate: $*" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 3 ] || die "usage: $0 RATE [ROUNDS] [BYTES]  (RATE e.g. 10mbit, 100mbit)"
RATE=$1 ROUNDS=${2:-16} BYTES=${3:-2460000}
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "ROUNDS '$ROUNDS' is not a positive integer"
[[ $BYTES =~ ^[1-9][0-9]*$ ]] || die "BYTES '$BYTES' is not a positive integer"
[ "$(id -u)" -eq 0 ] || die "must run as root (the test bed needs network namespaces and tc)"
command -v python3 >/dev/null || die "python3 not found (scripts/install-deps.sh testbed)"
HERE=$(cd "$(dirname "$0")" && pwd)
TB=$HERE/netns-testbed.sh PAIR=$HERE/tcp-pair.py
source "$HERE/sgd-lib.sh"
bps=$(bps "$RATE") || die "bad RATE '$RATE' (e.g. 10mbit, 100mbit, 1gbit)"
WORK=$(mktemp -d /tmp/hwnas-share.XXXXXX)
if [ "${HWNAS_TB_KEEP:-0}" = 1 ]; then
    for i in 0 1 2; do ip netns list | grep -q "^hwtb$i\b" || die "HWNAS_TB_KEEP=1 but no namespace hwtb$i"; done
    trap 'rm -rf "$WORK"' EXIT
else
    "$TB" up 3 "$RATE" >&2 || exit $?
    trap '"$TB" down; rm -rf "$WORK"' EXIT
fi
awk -v b="$BYTES" -v r="$bps" 'BEGIN { exit !(b * 8 / r < 0.2) }' &&
    echo "sgd-share-calibrate: warning: one transfer of $BYTES bytes takes under 0.2 s at $RATE; the shaper's burst (10 ms of the rate) makes sigma unreliable: give more BYTES" >&2
# one round: both transfers (2T at the shared rate) plus slack; first round 2 s after the start
PERIOD=$(awk -v b="$BYTES" -v r="$bps" 'BEGIN { printf "%.3f", 3 * 2 * b * 8 / r + 1 }')
for dir in pull push; do
    T0=$(python3 -c 'import time; print(time.time() + 2)')
    if [ $dir = pull ]; then
        ip netns exec hwtb1 python3 "$PAIR" recv 7101 "$BYTES" & ip netns exec hwtb2 python3 "$PAIR" recv 7101 "$BYTES" &
        sleep 0.5
        ip netns exec hwtb0 python3 "$PAIR" send 10.231.0.2 7101 "$BYTES" "$T0" "$PERIOD" "$ROUNDS" >"$WORK/a" &
        ip netns exec hwtb0 python3 "$PAIR" send 10.231.0.3 7101 "$BYTES" "$T0" "$PERIOD" "$ROUNDS" >"$WORK/b" &
    else
        ip netns exec hwtb0 python3 "$PAIR" recv 7101 "$BYTES" & ip netns exec hwtb0 python3 "$PAIR" recv 7102 "$BYTES" &
        sleep 0.5
        ip netns exec hwtb1 python3 "$PAIR" send 10.231.0.1 7101 "$BYTES" "$T0" "$PERIOD" "$ROUNDS" >"$WORK/a" &
        ip netns exec hwtb2 python3 "$PAIR" send 10.231.0.1 7102 "$BYTES" "$T0" "$PERIOD" "$ROUNDS" >"$WORK/b" &
    fi
    wait %3 %4 || die "$dir: a sender failed (see above)"
    kill %1 %2 2>/dev/null
    wait 2>/dev/null
    [ "$(wc -l <"$WORK/a")" -eq "$ROUNDS" ] && [ "$(wc -l <"$WORK/b")" -eq "$ROUNDS" ] ||
        die "$dir: expected $ROUNDS rounds from each sender"
    paste "$WORK/a" "$WORK/b" | awk -v dir=$dir '
        { t1 = $2 < $4 ? $2 : $4; t2 = $2 < $4 ? $4 : $2; f = t2 / (2 * t1)
          if (f < 0.5) f = 0.5; if (f > 0.999) f = 0.999; L = log(f / (1 - f)); s += L * L; n++
          printf "%s round %d: ends %.3f s and %.3f s, larger share %.3f\n", dir, $1, $2, $4, f }
        END { printf "%s sigma %.3f (%d rounds)\n", dir, sqrt(s / n / 2), n }' | tee "$WORK/$dir"
done
printf 'share-sigma %s,%s\n' "$(awk '/sigma/ { print $3 }' "$WORK/pull")" "$(awk '/sigma/ { print $3 }' "$WORK/push")"
