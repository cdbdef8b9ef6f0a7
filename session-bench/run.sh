#!/usr/bin/env bash
# The one command of issue 7: builds what it needs, runs every benchmark against one PostgreSQL
# (the embedded one of the tests, or BENCH_DATABASE_URL), and writes
# session-bench/target/bench-report.md and bench-report.json. About 12 minutes on two cores.
#
#   session-bench/run.sh              build (this module and what it needs, the servlet demo too), then run
#   session-bench/run.sh --no-build   use the sibling modules already installed in ~/.m2 and the
#                                     servlet demo jar already in session-examples/target
#   --durable                         the embedded PostgreSQL with fsync=on, synchronous_commit=on,
#                                     full_page_writes=on (the default is the tests' fsync=off, which flatters writes)
#   --shared-buffers SIZE             with --durable: the embedded server's shared_buffers (default 128MB), e.g. 1GB
#                                     for --sessions=1000000, whose table and indexes do not fit the default
#   --no-http, --no-jfr               leave out the wrk run or the JFR profiles
#   BENCH_DATABASE_URL=postgres://user:pass@host:5432/db session-bench/run.sh
#                                     use that database (a schema sessionkit_bench is made anew in it)
#
# Load generation targets 127.0.0.1 only, and every run is bounded in time.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

BUILD=1
ARGS=()
for arg in "$@"; do
  case "$arg" in
    --no-build) BUILD=0 ;;
    *) ARGS+=("$arg") ;;
  esac
done

if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "[run.sh] installing wrk from Debian's packages"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
  else
    echo "[run.sh] wrk is not installed and cannot be installed here (needs root and apt-get); the HTTP level is skipped" >&2
  fi
fi

# the commit the jar is built from, recorded in it for the report ("+ uncommitted changes" when the
# tree has changed or untracked files; with --no-build the other modules come from ~/.m2, whatever built them)
COMMIT=$(git -C "$ROOT" log -1 --format='%h %cI' 2>/dev/null || echo unknown)
if [ "$COMMIT" != unknown ]; then
  if STATUS=$(git -C "$ROOT" status --porcelain --untracked-files=normal 2>/dev/null); then
    [ -z "$STATUS" ] || COMMIT="$COMMIT + uncommitted changes"
  else
    COMMIT="$COMMIT (tree state unknown)"
  fi
  [ "$BUILD" = 1 ] || COMMIT="$COMMIT; other modules from ~/.m2 (--no-build)"
fi

if [ "$BUILD" = 1 ]; then
  echo "[run.sh] building session-bench, session-examples and what they need (tests skipped)"
  mvn -B -q -pl session-bench,session-examples -am package -DskipTests -Pbench-jar "-Dsessionkit.commit=$COMMIT"
else
  mvn -B -q -o -pl session-bench package -DskipTests -Pbench-jar "-Dsessionkit.commit=$COMMIT"
fi

mkdir -p session-bench/target
java -jar session-bench/target/sessionkit-bench.jar --repo "$ROOT" ${ARGS[@]+"${ARGS[@]}"} 2>&1 \
  | tee session-bench/target/bench-run.log
exit "${PIPESTATUS[0]}"
