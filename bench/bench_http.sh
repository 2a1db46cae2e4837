#!/bin/sh
# bench_http.sh - HTTP throughput and latency of `concerto serve`, against a
# bare h2o "hello" handler (bench/hello_h2o.c) measured in the same run.
#
# Cases, each a wrk run of DURATION seconds after a short warm-up:
#   hello         the bare handler (baseline): same libh2o/libuv, one loop per
#                 CPU with SO_REUSEPORT, same h2o settings as http/server.c
#   home          GET /
#   section       GET /sections/ID             (a section with many contributions)
#   contribution  GET /contributions/ID        (a contribution with votes)
#   api_list      GET /api/v1/sections/ID/contributions
#   vote          POST /voter/ID, signed in, CSRF token; every vote legal
#                 (cast, then changed); each answered after the writer's fsync
#
# The ledger: `concerto init --demo`, then bench_http (bench/bench_http.c)
# adds participants, contributions and votes through the writer.
#
# Output: one JSON object per case on stdout, a table and the targets on
# stderr. Never fails on a missed target (benchmarks are not tests).
#
# Environment (defaults in brackets): BUILD [build], CONCERTO
# [$BUILD/concerto], DURATION [15] seconds, WARMUP [2], CONNECTIONS [64],
# WRK_THREADS [2], CONTRIBUTIONS [3000], PARTICIPANTS [400], SESSIONS [64],
# PORT [18080], HELLO_PORT [18081], PERF [0]: 1 records `perf` on the server
# during the section case and prints its top symbols, KEEP [0]: keep the
# temporary directory. VOTE_FIELD [valeur] and VOTE_VALUES
# [accord,mitige,desaccord]: the vote form's field and values.
set -eu

BUILD=${BUILD:-build}
CONCERTO=${CONCERTO:-$BUILD/concerto}
HELLO=${HELLO:-$BUILD/bench/hello_h2o}
SEED=${SEED:-$BUILD/bench/bench_http}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-2}
CONNECTIONS=${CONNECTIONS:-64}
WRK_THREADS=${WRK_THREADS:-2}
CONTRIBUTIONS=${CONTRIBUTIONS:-3000}
PARTICIPANTS=${PARTICIPANTS:-400}
SESSIONS=${SESSIONS:-64}
PORT=${PORT:-18080}
HELLO_PORT=${HELLO_PORT:-18081}
PERF=${PERF:-0}
KEEP=${KEEP:-0}
VOTE_FIELD=${VOTE_FIELD:-valeur}
VOTE_VALUES=${VOTE_VALUES:-accord,mitige,desaccord}
PASSWORD=bench-password-1
HERE=$(cd "$(dirname "$0")" && pwd)

for f in "$CONCERTO" "$HELLO" "$SEED"; do
    [ -x "$f" ] || { echo "bench_http.sh: $f missing (cmake --build build --target concerto hello_h2o bench_http)" >&2; exit 1; }
done
command -v wrk >/dev/null || { echo "bench_http.sh: wrk missing (apt-get install -y wrk)" >&2; exit 1; }
command -v curl >/dev/null || { echo "bench_http.sh: curl missing" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/bench_http.XXXXXX")
SERVER_PID=
cleanup() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    if [ "$KEEP" = 1 ]; then echo "kept $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT INT TERM

wait_port() { # wait until http://127.0.0.1:$1/ answers
    i=0
    while ! curl -s -o /dev/null "http://127.0.0.1:$1/healthz"; do
        i=$((i + 1)); [ $i -lt 100 ] || { echo "bench_http.sh: nothing on port $1" >&2; exit 1; }
        sleep 0.1
    done
}

stop_server() {
    kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=
}

RESULTS=$TMP/results
: > "$RESULTS"
# run_case NAME PORT PATH [wrk args...]: warm up, measure, append "NAME PATH JSON".
run_case() {
    name=$1 port=$2 path=$3; shift 3
    wrk -t "$WRK_THREADS" -c "$CONNECTIONS" -d "$WARMUP" "$@" "http://127.0.0.1:$port$path" > /dev/null 2>&1 || true
    if [ "$PERF" = 1 ] && [ "$name" = section ]; then
        perf record -q -F 499 -g -p "$SERVER_PID" -o "$TMP/perf.data" -- sleep "$((DURATION - 2))" > /dev/null 2>&1 &
        PERF_PID=$!
    fi
    wrk -t "$WRK_THREADS" -c "$CONNECTIONS" -d "$DURATION" --latency "$@" "http://127.0.0.1:$port$path" > "$TMP/wrk_$name.txt" 2>&1 || true
    if [ "$PERF" = 1 ] && [ "$name" = section ]; then wait "$PERF_PID" || true; fi
    json=$(sed -n 's/^JSON //p' "$TMP/wrk_$name.txt")
    [ -n "$json" ] || { echo "bench_http.sh: wrk failed for $name:" >&2; cat "$TMP/wrk_$name.txt" >&2; json='{}'; }
    echo "$name $path $json" >> "$RESULTS"
}

# ---- the ledger ---------------------------------------------------------------
echo "seeding a demo ledger in $TMP/data ..." >&2
CONCERTO_ADMIN_PASSWORD=${CONCERTO_ADMIN_PASSWORD:-bench-admin-password} \
    "$CONCERTO" init --data "$TMP/data" --demo > /dev/null
"$SEED" --data "$TMP/data" --participants "$PARTICIPANTS" --contributions "$CONTRIBUTIONS" \
    --reserve "$SESSIONS" --password "$PASSWORD" > "$TMP/seed.txt"
sed -n 's/^contribution //p' "$TMP/seed.txt" > "$TMP/ids.txt"
NSECTIONS=$(grep -c '^section ' "$TMP/seed.txt")
SECTION=$(sed -n 's/^section //p' "$TMP/seed.txt" | sed -n 2p)       # a proposals section
CONTRIB=$(sed -n "$((NSECTIONS + 1))p" "$TMP/ids.txt")                # posted in $SECTION
[ -n "$CONTRIB" ] || CONTRIB=$(sed -n 1p "$TMP/ids.txt")

# ---- baseline: bare h2o ------------------------------------------------------
"$HELLO" --listen "127.0.0.1:$HELLO_PORT" > "$TMP/hello.log" 2>&1 &
SERVER_PID=$!
wait_port "$HELLO_PORT"
run_case hello "$HELLO_PORT" / -s "$HERE/wrk/get.lua"
stop_server

# ---- concerto serve ------------------------------------------------------------
"$CONCERTO" serve --data "$TMP/data" --listen "127.0.0.1:$PORT" --no-access-log \
    --rate-limit login=0/1 --rate-limit login_name=0/1 --rate-limit post=0/1 \
    > "$TMP/serve.log" 2>&1 &
SERVER_PID=$!
wait_port "$PORT"
for p in / "/sections/$SECTION" "/contributions/$CONTRIB" "/api/v1/sections/$SECTION/contributions"; do
    code=$(curl -s -o "$TMP/page" -w '%{http_code}' "http://127.0.0.1:$PORT$p")
    [ "$code" = 200 ] || echo "bench_http.sh: warning: $p answers $code" >&2
done
run_case home "$PORT" / -s "$HERE/wrk/get.lua"
run_case section "$PORT" "/sections/$SECTION" -s "$HERE/wrk/get.lua"
run_case contribution "$PORT" "/contributions/$CONTRIB" -s "$HERE/wrk/get.lua"
run_case api_list "$PORT" "/api/v1/sections/$SECTION/contributions" -s "$HERE/wrk/get.lua"

# Votes: only if the route exists (the actions feature may not have landed).
VOTE_STATUS=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$PORT/voter/$CONTRIB")
LOG_BEFORE= LOG_AFTER=
if [ "$VOTE_STATUS" = 404 ] || [ "$VOTE_STATUS" = 405 ]; then
    echo "bench_http.sh: POST /voter/ID answers $VOTE_STATUS: vote route not built, vote case skipped" >&2
else
    echo "logging in $SESSIONS participants ..." >&2
    : > "$TMP/sessions.txt"
    i=1
    while [ $i -le "$SESSIONS" ]; do
        jar=$TMP/jar
        rm -f "$jar"
        tok=$(curl -s -c "$jar" -b "$jar" "http://127.0.0.1:$PORT/connexion" |
              sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
        user=$(printf 'bench%04d' $i)
        curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "csrf=$tok" \
            --data-urlencode "identifiant=$user" --data-urlencode "mot_de_passe=$PASSWORD" \
            "http://127.0.0.1:$PORT/connexion"
        cookie=$(awk '$6 == "cc_session" { print $7 }' "$jar")
        stok=$(curl -s -b "$jar" "http://127.0.0.1:$PORT/compte" |
               sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
        [ -n "$cookie" ] && [ -n "$stok" ] || { echo "bench_http.sh: login of $user failed" >&2; exit 1; }
        echo "$cookie $stok" >> "$TMP/sessions.txt"
        i=$((i + 1))
    done
    LOG_BEFORE=$(curl -s "http://127.0.0.1:$PORT/checkpoint" | sed -n 2p)
    # No warm-up for votes: every request counts in the log-size check.
    wrk -t "$WRK_THREADS" -c "$CONNECTIONS" -d "$DURATION" --latency -s "$HERE/wrk/vote.lua" \
        "http://127.0.0.1:$PORT/" -- "$TMP/sessions.txt" "$TMP/ids.txt" /voter/ \
        "$VOTE_FIELD" "$VOTE_VALUES" "$WRK_THREADS" > "$TMP/wrk_vote.txt" 2>&1 || true
    sleep 0.5
    LOG_AFTER=$(curl -s "http://127.0.0.1:$PORT/checkpoint" | sed -n 2p)
    json=$(sed -n 's/^JSON //p' "$TMP/wrk_vote.txt")
    [ -n "$json" ] || { echo "bench_http.sh: wrk failed for vote:" >&2; cat "$TMP/wrk_vote.txt" >&2; json='{}'; }
    echo "vote /voter/ID $json" >> "$RESULTS"
fi
stop_server

if [ "$PERF" = 1 ] && [ -f "$TMP/perf.data" ]; then
    echo "perf: top symbols of concerto serve during the section case" >&2
    perf report -i "$TMP/perf.data" --no-children --sort dso,sym --percent-limit 1 --stdio 2>/dev/null |
        grep -v '^#' | grep '%' | head -n 40 >&2 || true
fi

# ---- report ------------------------------------------------------------------
MACHINE="$(nproc) CPUs, $(uname -sr)"
python3 - "$RESULTS" "$DURATION" "$CONNECTIONS" "$WRK_THREADS" "$CONTRIBUTIONS" \
    "${LOG_BEFORE:-}" "${LOG_AFTER:-}" "$MACHINE" <<'EOF'
import json, sys
path, duration, conns, threads, contribs, before, after, machine = sys.argv[1:9]
rows = []
for line in open(path):
    name, p, js = line.rstrip("\n").split(" ", 2)
    rows.append((name, p, json.loads(js)))
hello = next((r for n, _, r in rows if n == "hello"), {}).get("rps")
out = []
for name, p, r in rows:
    o = {"bench": "http", "case": name, "path": p, "connections": int(conns),
         "wrk_threads": int(threads), "duration_s": int(duration)}
    o.update(r)
    if name not in ("hello", "vote") and hello and r.get("rps"):
        o["vs_hello"] = round(r["rps"] / hello, 4)
    if name == "vote" and before and after:
        o["log_entries_added"] = int(after) - int(before)
        o["durable_votes_per_s"] = round((int(after) - int(before)) / r["seconds"], 1)
    if name != "hello":
        o["contributions"] = int(contribs)
    out.append(o)
    print(json.dumps(o, separators=(",", ":")))
sys.stdout.flush()
e = sys.stderr
e.write("\nHTTP benchmark: %s, wrk -t%s -c%s -d%ss, %s seeded contributions\n\n"
        % (machine, threads, conns, duration, contribs))
e.write("| case | path | req/s | vs hello | p50 ms | p99 ms | max ms | non-2xx/3xx | KB/resp |\n")
e.write("|---|---|---:|---:|---:|---:|---:|---:|---:|\n")
for o in out:
    if "rps" not in o:
        e.write("| %s | %s | failed | | | | | | |\n" % (o["case"], o["path"])); continue
    ratio = "1" if o["case"] == "hello" else ("%.2fx" % o["vs_hello"] if "vs_hello" in o else "")
    kb = o["bytes"] / o["requests"] / 1024 if o["requests"] else 0
    e.write("| %s | %s | %s | %s | %.2f | %.2f | %.2f | %d | %.1f |\n" % (
        o["case"], o["path"], format(round(o["rps"]), ","), ratio, o["p50_ms"], o["p99_ms"],
        o["max_ms"], o["non_2xx_3xx"], kb))
e.write("\nTargets (reported, never enforced):\n")
for o in out:
    if "vs_hello" in o:
        e.write("  %-13s >= 0.6x hello: %.2fx  %s\n" % (o["case"], o["vs_hello"],
                "met" if o["vs_hello"] >= 0.6 else "MISSED"))
vote = next((o for o in out if o["case"] == "vote"), None)
if vote and "rps" in vote:
    d = vote.get("durable_votes_per_s", 0)
    e.write("  durable votes >= 10,000/s: %s/s (%d log entries added, %d non-2xx/3xx)  %s\n" % (
        format(round(d), ","), vote.get("log_entries_added", 0), vote["non_2xx_3xx"],
        "met" if d >= 10000 else "MISSED"))
else:
    e.write("  durable votes >= 10,000/s: not measured (no vote route)\n")
e.write("  p99 reported for every case (table above)\n")
EOF
