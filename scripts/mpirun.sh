#!/usr/bin/env bash
# scripts/mpirun.sh NP CMD... - runs CMD on NP MPI ranks with Open MPI's mpirun
# (also for NP=1, so that MPI initialisation is always exercised).
# --oversubscribe: allow more ranks than cores; --allow-run-as-root when root.
# OPENBLAS_NUM_THREADS=1 per rank unless already set.
set -u
if [ $# -lt 2 ] || ! [[ $1 =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: scripts/mpirun.sh NP CMD [ARGS...]" >&2
    exit 2
fi
np=$1; shift
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
opts=(-np "$np" --oversubscribe)
[ "$(id -u)" -eq 0 ] && opts+=(--allow-run-as-root)
exec mpirun "${opts[@]}" "$@"
