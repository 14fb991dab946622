#!/usr/bin/env bash
# Installs every Debian package jit86 needs to build, test and run, when missing.
# Usage: cmake/setup-deps.sh [--cross]   (--cross adds the AArch64 cross toolchain
# and arm64 multiarch libraries used by `make check-aarch64`).
set -euo pipefail

# Host packages: build tools, libraries, reference emulators, guest toolchains
# and guest software (the Debian i386 installer kernel for direct Linux boot).
HOST_PKGS=(
    build-essential cmake pkg-config clang
    check zlib1g-dev libffi-dev libcapstone-dev libjansson-dev libsdl2-dev libslirp-dev libpng-dev
    libedit-dev
    lib32gcc-12-dev nasm
    seabios qemu-system-x86 qemu-utils
    debian-installer-12-netboot-i386
    xvfb xauth iproute2
    # Keys typed into the SDL window on Xvfb and its screenshots (xwd) in tests/ui.
    xdotool x11-apps
    # The gdb stub test (tests/gdb) and the jit86-translate HTML page test (tests/teaching).
    gdb chromium
    grub-pc-bin grub-common xorriso mtools syslinux extlinux syslinux-common dosfstools fdisk cpio
    # The installer kernel's own modules (ata_piix, sd_mod ...) for the IDE disk boot tests.
    linux-image-686:i386
    # Static i386 busybox: /init and shell of the Linux test and `make run` initramfs.
    busybox-static:i386
)
# Cross build: compiler, user-mode QEMU, arm64 multiarch libraries.
CROSS_PKGS=(
    gcc-12-aarch64-linux-gnu qemu-user-static
    check:arm64 libffi-dev:arm64 zlib1g-dev:arm64 libcapstone-dev:arm64 libjansson-dev:arm64
)

want=("${HOST_PKGS[@]}")
if [ "${1:-}" = "--cross" ]; then
    want+=("${CROSS_PKGS[@]}")
fi

missing=()
for p in "${want[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then
        SUDO="sudo"
    else
        echo "setup-deps: missing packages (${missing[*]}) and not root; install them first" >&2
        exit 1
    fi
fi

echo "setup-deps: installing ${missing[*]}"
for p in "${missing[@]}"; do
    case "$p" in
        *:*)
            if ! dpkg --print-foreign-architectures | grep -qx "${p##*:}"; then
                $SUDO dpkg --add-architecture "${p##*:}"
            fi
            ;;
    esac
done
# A third-party source that cannot be reached must not stop the install.
$SUDO apt-get update -qq || echo "setup-deps: apt-get update reported errors; continuing" >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
