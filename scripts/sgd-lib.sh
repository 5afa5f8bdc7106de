# scripts/sgd-lib.sh - sourced (not run) by the throughput-validation scripts (sgd-validate.sh,
# sgd-repredict.sh, sgd-share-calibrate.sh): what they share.
# bps RATE: a tc rate (10mbit, 100mbit, 1gbit, 500kbit, 1000bit; any case) in bits per second on stdout;
# status 1 and no output for anything else.
bps() {
    local r=${1,,}
    [[ $r =~ ^([0-9]+)(bit|kbit|mbit|gbit)$ ]] || return 1
    case ${BASH_REMATCH[2]} in
    bit) echo "${BASH_REMATCH[1]}" ;; kbit) echo $((BASH_REMATCH[1] * 1000)) ;;
    mbit) echo $((BASH_REMATCH[1] * 1000000)) ;; gbit) echo $((BASH_REMATCH[1] * 1000000000)) ;;
    esac
}
