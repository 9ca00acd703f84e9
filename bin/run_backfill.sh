#!/usr/bin/env bash
# The original runbook's command line, over the TypeScript runner (lib/backfill/cli.ts).
# Usage: ./bin/run_backfill.sh --list | <phase>/<job> --start-date=D --end-date=D [--dry-run] | <phase>/<job> --dates=D1,D2
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec node "$here/lib/start/launch.mjs" "$here/lib/backfill/cli.ts" "$@"
