#!/usr/bin/env bash
# scripts/install-deps.sh [fuzz|valgrind|testbed] - installs the Debian 12 packages hwnas needs (see INSTALL),
# plus the optional group's.
# Silent and exit 0 when everything is installed. Otherwise installs the missing
# ones with apt-get (as root, or through passwordless sudo), or prints the
# command to run and exits 1.
set -u
pkgs="build-essential pkg-config libopenmpi-dev openmpi-bin libopenblas-dev liblapacke-dev
      libconfig-dev libcmocka-dev gnuplot-nox"
case ${1:-} in # optional group on top of the base packages: `make fuzz`, `make valgrind`
"") ;;
fuzz) pkgs="$pkgs clang libclang-rt-14-dev llvm" ;; # libFuzzer + sanitizer runtimes, llvm-symbolizer
valgrind) pkgs="$pkgs valgrind" ;;
testbed) pkgs="$pkgs iproute2 python3" ;; # ip, tc: scripts/netns-testbed.sh (shaped-link MPI test bed); python3: the transfers of sgd-share-calibrate.sh, sgd-netcpu.sh
*) echo "usage: $0 [fuzz|valgrind|testbed]" >&2; exit 2 ;;
esac
missing=()
for p in $pkgs; do
    [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo=(sudo -n)
else
    echo "hwnas: missing Debian packages: ${missing[*]}" >&2
    echo "install them (as root) with:" >&2
    echo "  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
fi
echo "hwnas: installing missing Debian packages: ${missing[*]}" >&2
"${sudo[@]}" apt-get update || { sleep 5; "${sudo[@]}" apt-get update; } || exit 1
exec "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" </dev/null
