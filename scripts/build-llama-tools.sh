#!/usr/bin/env bash
# Builds llama.cpp's own llama-server, llama-bench and llama-quantize from the exact source node-llama-cpp
# ships (node_modules/node-llama-cpp/llama/gitRelease.bundle), into a cache directory keyed by that source's
# commit, reused when present. Prints the bin directory on its last line.
#
#   npm run peers:build            # or: bash scripts/build-llama-tools.sh
#   LLM_BENCH_CACHE=/somewhere npm run peers:build
#
# Needs: git, cmake, a C++ compiler (Debian: apt-get install -y git cmake g++).
set -euo pipefail
cd "$(dirname "$0")/.."

bundle="node_modules/node-llama-cpp/llama/gitRelease.bundle"
info="node_modules/node-llama-cpp/llama/llama.cpp.info.json"
if [ ! -f "$bundle" ]; then
  echo "build-llama-tools: $bundle not found: run 'npm ci' first." >&2
  exit 2
fi
missing=()
for tool in git cmake c++; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "build-llama-tools: missing ${missing[*]}: on Debian/Ubuntu run 'apt-get install -y git cmake g++'." >&2
  exit 2
fi

commit="$(git bundle list-heads "$bundle" | awk '$2=="HEAD"{print $1}')"
tag="$(node -e "process.stdout.write(JSON.parse(require('fs').readFileSync('$info','utf8')).tag||'unknown')")"
cache="${LLM_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/llm-bench}/llama.cpp/${tag}-${commit:0:12}"
bin="$cache/bin"
tools=(llama-server llama-bench llama-quantize)

have_all=1
for t in "${tools[@]}"; do [ -x "$bin/$t" ] || have_all=0; done
if [ "$have_all" = 1 ]; then
  echo "build-llama-tools: reusing $bin (llama.cpp ${tag}, ${commit:0:12})" >&2
  echo "$bin"
  exit 0
fi

jobs="${LLAMA_BUILD_JOBS:-$(nproc 2>/dev/null || echo 2)}"
echo "build-llama-tools: building ${tools[*]} of llama.cpp ${tag} (${commit:0:12}) into $cache with -j$jobs (about 15-30 minutes on 2 cores)" >&2
mkdir -p "$cache"
if [ ! -d "$cache/src/.git" ]; then
  rm -rf "$cache/src"
  git -c advice.detachedHead=false clone --quiet "$bundle" "$cache/src"
  git -c advice.detachedHead=false -C "$cache/src" checkout --quiet "$commit"
fi
cmake -S "$cache/src" -B "$cache/build" -DCMAKE_BUILD_TYPE=Release -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF \
  -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=ON -DBUILD_SHARED_LIBS=OFF -DGGML_NATIVE=ON >"$cache/cmake.log" 2>&1 \
  || { echo "build-llama-tools: cmake configure failed, see $cache/cmake.log" >&2; tail -20 "$cache/cmake.log" >&2; exit 1; }
cmake --build "$cache/build" --config Release -j "$jobs" --target "${tools[@]}" 2>&1 \
  | awk '/^\[ *[0-9]+%\]/{ if ($2 != last) { last=$2; print "build-llama-tools: " $1 " " $2 > "/dev/stderr" } } { print > "'"$cache/build.log"'" }'
if [ "${PIPESTATUS[0]}" != 0 ]; then
  echo "build-llama-tools: build failed, see $cache/build.log" >&2
  tail -30 "$cache/build.log" >&2
  exit 1
fi
mkdir -p "$bin"
for t in "${tools[@]}"; do cp "$cache/build/bin/$t" "$bin/$t"; done
echo "build-llama-tools: built $bin" >&2
echo "$bin"
