#!/usr/bin/env bash
# Checks that the committed front-end build (internal/web/dist) is what the
# sources in web/ build to: installs the locked dependencies, builds into a
# temp dir and diffs. Run by .ci/run; fix a failure with
#   (cd web && npm ci && npm run build) and commit internal/web/dist.
set -euo pipefail
cd "$(dirname "$0")"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
npm ci --no-audit --no-fund --loglevel=error
YARDSTICK_DIST_OUT="$out" npm run build --silent >/dev/null
if ! diff -r "$out" ../internal/web/dist; then
  echo "internal/web/dist is stale: run (cd web && npm ci && npm run build) and commit internal/web/dist" >&2
  exit 1
fi
echo "front-end dist up to date"
