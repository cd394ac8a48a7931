#!/usr/bin/env bash
# Installs what is missing, builds contactd (Release) and starts it on 127.0.0.1:8080 with data in
# ./data. Extra arguments are passed to contactd (see `contactd --help`).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/tools/deps.sh"
cmake -S "$root" -B "$root/build/release" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCONTACTD_BUILD_TESTS=OFF -DCONTACTD_BUILD_BENCH=OFF >/dev/null
cmake --build "$root/build/release" --target contactd
exec "$root/build/release/tools/contactd" --data-dir ./data --listen 127.0.0.1:8080 "$@"
