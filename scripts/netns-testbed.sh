#!/usr/bin/env bash
# scripts/netns-testbed.sh - a shaped-link MPI test bed on one Linux machine (README.md,
# "Shaped-link test bed"). Every rank gets its own network namespace hwtbI (I = 0..N-1) with
# one interface eth0 = 10.231.0.(I+1)/24, joined by a veth pair to the bridge hwtb-br in the
# root namespace (10.231.0.254, where mpirun runs). Links are shaped with tc tbf on both ends
# of each veth: RATE out of the namespace (upload) and RATE into it (download); the server's
# link is shared by all workers, like one NIC. Open MPI runs over TCP only (btl tcp,self),
# its daemons are started in the namespaces by this script's `agent` mode (plm_rsh_agent).
#
#   netns-testbed.sh up N [RATE]     create N namespaces (RATE e.g. 100mbit, 1gbit; default: unshaped)
#   netns-testbed.sh shape RATE      change the rate of every link ("none": remove the shaping)
#   netns-testbed.sh run NP CMD...   mpirun NP ranks (rank I in hwtbI) of CMD over the shaped links
#   netns-testbed.sh status          namespaces, addresses and qdiscs
#   netns-testbed.sh down            remove everything `up` created
# Needs root, iproute2 (ip, tc) and a kernel with network namespaces, veth, bridge and the tbf
# qdisc. netem (for delay) is used when HWNAS_TB_DELAY is set (e.g. 1ms) and the kernel has it.
set -u
PFX=hwtb
NET=10.231.0
BR=$PFX-br
DELAY=${HWNAS_TB_DELAY:-}

die() { echo "netns-testbed: $*" >&2; exit 2; }
usage() { sed -n '10,14p' "$0" | sed 's/^# *//' >&2; exit 2; }

# `agent HOST CMD...`: called by mpirun instead of ssh to start a daemon on HOST (a namespace IP).
if [ "${1:-}" = agent ]; then
    shift
    host=$1; shift
    i=${host##*.}
    # every namespace has the same host name and /tmp: separate Open MPI session directories, or daemons
    # started together race on them ("mkdir ... File exists" in orte_init)
    export OMPI_MCA_orte_tmpdir_base=/tmp/hwtb-sessions/$PFX$((i - 1))
    mkdir -p "$OMPI_MCA_orte_tmpdir_base"
    exec ip netns exec "$PFX$((i - 1))" /bin/sh -c "$*"
fi

[ "$(id -u)" -eq 0 ] || die "must run as root (network namespaces and tc need CAP_NET_ADMIN)"
for t in ip tc mpirun; do
    command -v $t >/dev/null 2>&1 || die "'$t' not found; install iproute2 / openmpi-bin (scripts/install-deps.sh testbed)"
done

nss() { ip netns list 2>/dev/null | awk -v p="$PFX" '$1 ~ "^" p "[0-9]+$" { print $1 }' | sort -V; }
count() { nss | wc -l; }

# shape_dev DEV RATE [NS]: tbf (and netem delay when asked) on DEV's egress.
shape_dev() {
    local dev=$1 rate=$2 ns=${3:-} run=()
    [ -n "$ns" ] && run=(ip netns exec "$ns")
    "${run[@]}" tc qdisc del dev "$dev" root 2>/dev/null
    [ "$rate" = none ] && [ -z "$DELAY" ] && return 0
    if [ -n "$DELAY" ]; then
        local r=()
        [ "$rate" != none ] && r=(rate "$rate")
        "${run[@]}" tc qdisc add dev "$dev" root netem delay "$DELAY" "${r[@]}" ||
            die "tc netem failed on $dev (kernel without sch_netem?); unset HWNAS_TB_DELAY"
        return 0
    fi
    # burst: 10 ms worth of bytes, at least 16 KiB (the kernel splits larger GSO segments); limit: 1 s of queue
    local bps
    bps=$(rate_bps "$rate") || die "bad rate '$rate' (e.g. 100mbit, 1gbit, 500kbit)"
    local burst=$((bps / 8 / 100)) limit=$((bps / 8))
    [ $burst -lt 16384 ] && burst=16384
    [ $limit -lt $((4 * burst)) ] && limit=$((4 * burst))
    "${run[@]}" tc qdisc add dev "$dev" root tbf rate "$rate" burst "$burst" limit "$limit" ||
        die "tc tbf failed on $dev"
}

rate_bps() { # 100mbit -> 100000000
    local r=${1,,} n u
    [[ $r =~ ^([0-9]+)(bit|kbit|mbit|gbit)$ ]] || return 1
    n=${BASH_REMATCH[1]}; u=${BASH_REMATCH[2]}
    case $u in bit) echo "$n" ;; kbit) echo $((n * 1000)) ;; mbit) echo $((n * 1000000)) ;; gbit) echo $((n * 1000000000)) ;; esac
}

shape_all() {
    local rate=$1 ns i
    for ns in $(nss); do
        i=${ns#$PFX}
        shape_dev "$PFX$i-h" "$rate"
        shape_dev eth0 "$rate" "$ns"
    done
}

cmd_down() {
    local ns
    for ns in $(nss); do ip netns del "$ns"; done
    ip link show "$BR" >/dev/null 2>&1 && ip link del "$BR"
    # a namespace's veth peers vanish asynchronously after `ip netns del`: wait for them (a new `up`
    # right after would fail with "File exists"), then remove any left over
    local k l
    for k in $(seq 50); do ip -o link show | grep -q ": $PFX[0-9]*-h[@:]" || break; sleep 0.1; done
    for l in $(ip -o link show | sed -n "s/^[0-9]*: \($PFX[0-9]*-h\)[@:].*/\1/p"); do ip link del "$l" 2>/dev/null; done
    rm -rf /tmp/hwtb-sessions
    return 0
}

cmd_up() {
    local n=${1:-} rate=${2:-none} i
    [[ $n =~ ^[1-9][0-9]?$ ]] && [ "$n" -le 250 ] || usage
    [ "$rate" = none ] || rate_bps "$rate" >/dev/null || die "bad rate '$rate' (e.g. 100mbit, 1gbit)"
    cmd_down
    ip link add "$BR" type bridge || die "cannot create bridge $BR (kernel without bridge support?)"
    ip addr add "$NET.254/24" dev "$BR"
    ip link set "$BR" up
    for ((i = 0; i < n; i++)); do
        local ns=$PFX$i
        ip netns add "$ns" || die "ip netns add $ns failed"
        ip link add "$PFX$i-h" type veth peer name eth0 netns "$ns" || die "cannot create veth for $ns"
        ip link set "$PFX$i-h" master "$BR" up
        ip netns exec "$ns" ip addr add "$NET.$((i + 1))/24" dev eth0
        ip netns exec "$ns" ip link set eth0 up
        ip netns exec "$ns" ip link set lo up
        ip netns exec "$ns" ip route add default via "$NET.254"
    done
    shape_all "$rate"
    echo "netns-testbed: $n namespaces ${PFX}0..$PFX$((n - 1)) on $NET.0/24, rate $rate${DELAY:+, delay $DELAY}"
}

cmd_run() {
    local np=${1:-}
    [[ $np =~ ^[1-9][0-9]*$ ]] || usage
    shift
    [ $# -ge 1 ] || usage
    local have
    have=$(count)
    [ "$np" -le "$have" ] || die "$np ranks but $have namespaces; run '$0 up $np [RATE]' first"
    local hf
    hf=$(mktemp /tmp/hwtb-hosts.XXXXXX)
    for ((i = 0; i < np; i++)); do echo "$NET.$((i + 1)) slots=1"; done >"$hf"
    export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
    local rc=0
    # --bind-to none: every namespace looks like its own node to Open MPI, whose default binding would pin
    # every rank to core 0 of "its" node, i.e. all of them to the same core of this machine
    mpirun --allow-run-as-root -np "$np" --hostfile "$hf" --map-by slot --bind-to none \
        --mca plm_rsh_agent "$(readlink -f "$0") agent" \
        --mca btl tcp,self --mca btl_tcp_if_include "$NET.0/24" --mca oob_tcp_if_include "$NET.0/24" \
        --mca orte_keep_fqdn_hostnames 1 \
        -x OPENBLAS_NUM_THREADS -x HWNAS_DATA_DIR -x PATH \
        "$@" || rc=$?
    rm -f "$hf"
    return $rc
}

cmd_status() {
    local ns
    ip -br addr show "$BR" 2>/dev/null || echo "no bridge $BR"
    for ns in $(nss); do
        echo "$ns: $(ip netns exec "$ns" ip -br -4 addr show eth0 | awk '{ print $3 }')" \
            "up: $(ip netns exec "$ns" tc qdisc show dev eth0 | head -1)" \
            "down: $(tc qdisc show dev "${ns}-h" | head -1)"
    done
}

case ${1:-} in
up) shift; cmd_up "$@" ;;
down) cmd_down ;;
shape) [ $# -eq 2 ] || usage; [ "$(count)" -gt 0 ] || die "no test bed; run '$0 up N' first"; shape_all "$2" ;;
run) shift; cmd_run "$@" ;;
status) cmd_status ;;
*) usage ;;
esac
