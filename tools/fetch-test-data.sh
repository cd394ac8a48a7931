#!/usr/bin/env bash
# Fetches the test data that the test suites read but the repository does not hold:
#   csv-spectrum  the CSV edge-case suite (npm package), read by transfer_tests
#                 (tests/transfer/csv_spectrum_test.cc); installed with `npm ci` from the
#                 committed tests/transfer/csv-spectrum/package.json and package-lock.json.
#   playwright-core, puppeteer-core  the browser drivers of the dashboard tests (tests/browser):
#                 playwright-core runs Debian's chromium, puppeteer-core its firefox-esr; installed
#                 the same way from tests/browser/package.json + lock.
# Everything goes under $CONTACTD_TEST_DATA_DIR (default: build/test-data, the directory CMake's
# CONTACTD_TEST_DATA_DIR defaults to). Reinstalled only when a lock file changes.
#
# Usage: tools/fetch-test-data.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${CONTACTD_TEST_DATA_DIR:-$root/build/test-data}"

if ! command -v npm >/dev/null; then
  echo "fetch-test-data: npm is missing; installing nodejs and npm" >&2
  apt-get install -y --no-install-recommends nodejs npm >/dev/null
fi

# $1: directory of a committed package.json + package-lock.json; $2: where to install it.
npm_install() {
  local src="$1" dst="$2"
  if cmp -s "$src/package-lock.json" "$dst/package-lock.json" && [[ -d "$dst/node_modules" ]]; then
    return
  fi
  rm -rf "$dst"
  mkdir -p "$dst"
  cp "$src/package.json" "$src/package-lock.json" "$dst/"
  (cd "$dst" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
}

npm_install "$root/tests/transfer/csv-spectrum" "$data/csv-spectrum"
echo "fetch-test-data: csv-spectrum in $data/csv-spectrum/node_modules/csv-spectrum"
npm_install "$root/tests/browser" "$data/browser"
echo "fetch-test-data: playwright-core and puppeteer-core in $data/browser/node_modules"
