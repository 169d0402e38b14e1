#!/usr/bin/env bash
# Two settings of one build of the OpenAI-compatible endpoint, measured alternately so that a shared machine's drift
# falls on both alike. Publishes the gateway in Release once, starts it twice on the embedded default (SQLite in
# temporary directories) on 127.0.0.1:5180 (setting A) and :5181 (setting B) with ../shared/bench/fake-upstream.js as
# the provider, sets up a workspace on each as bench/proxy.sh does, warms both up, then runs wrk against A and B in
# turn for ROUNDS rounds at each of CONNS, printing requests per second and the gateway's CPU time per request.
# Everything listens on 127.0.0.1 and stops when the script ends.
#   A, B      space-separated NAME=value environment settings of each gateway
#             (default: A="Platform__KeyCache__Lifetime=00:00:30" B="Platform__KeyCache__Lifetime=00:00:00")
#   CONNS     connection counts ("16 64"); SECONDS_PER_RUN (10); ROUNDS (3)
#   SHARED_BENCH  directory of fake-upstream.js and chat.lua (default: ../shared/bench next to this repository)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED_BENCH:-$repo/../shared/bench}
a_settings=${A:-Platform__KeyCache__Lifetime=00:00:30}
b_settings=${B:-Platform__KeyCache__Lifetime=00:00:00}
conns=${CONNS:-16 64}
seconds=${SECONDS_PER_RUN:-10}
rounds=${ROUNDS:-3}
[ -f "$shared/fake-upstream.js" ] && [ -f "$shared/chat.lua" ] || { echo "fake-upstream.js or chat.lua not found in $shared (set SHARED_BENCH)" >&2; exit 2; }
command -v wrk >/dev/null || { apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }; }
for busy in 18080 5180 5181; do
  if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$busy/"; then echo "127.0.0.1:$busy is in use; stop what listens there first" >&2; exit 2; fi
done

work=$(mktemp -d /tmp/platform-proxy-ab.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

echo "building the platform (Release)..." >&2
dotnet publish "$repo/Gateway" -c Release -o "$work/gateway" -v q -nologo >/dev/null
operator="op_bench_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"

start() { # port settings
  # shellcheck disable=SC2086 # the settings are meant to split into NAME=value words
  env Platform__DataDirectory="$work/data$1" Platform__OperatorKey="$operator" \
    Platform__Gateway__RequestsPerSecondPerKey=1000000 Platform__Gateway__BurstPerKey=1000000 \
    Platform__Models__OpenAI__ApiKey=sk-fake Platform__Models__OpenAI__AllowedBaseUrls__0=http://127.0.0.1:18080/v1 \
    Logging__LogLevel__Default=Warning ASPNETCORE_URLS="http://127.0.0.1:$1" $2 \
    dotnet "$work/gateway/Platform.Gateway.dll" >"$work/log$1" 2>&1 &
  pids+=($!)
  echo $! >"$work/pid$1"
}
start 5180 "$a_settings"
start 5181 "$b_settings"
(PORT=18080 node "$shared/fake-upstream.js" >/dev/null 2>&1) & pids+=($!)

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
setup() { # port
  local base=http://127.0.0.1:$1 owner
  for _ in $(seq 150); do curl -sf -o /dev/null "$base/healthz" && break; sleep 0.2; done
  curl -sf -o /dev/null "$base/healthz" || { echo "the gateway on :$1 did not start; its log:" >&2; cat "$work/log$1" >&2; exit 1; }
  owner=$(curl -sf -X POST "$base/api/workspaces" -H "Authorization: Bearer $operator" -H 'Content-Type: application/json' \
    -d '{"name":"Proxy A/B","ownerUserId":"bench","ownerDisplayName":"Bench"}' | json '["ownerKey"]')
  curl -sf -o /dev/null -X PUT "$base/api/budget" -H "Authorization: Bearer $owner" -H 'Content-Type: application/json' -d '{"monthlyCapMicros":1000000000}'
  curl -sf -o /dev/null -X PUT "$base/api/catalog/models/gpt-4o-mini" -H "Authorization: Bearer $operator" -H 'Content-Type: application/json' \
    -d '{"provider":"openai","model":"gpt-4o-mini","baseUrl":"http://127.0.0.1:18080/v1","inputPricePer1kTokens":150,"outputPricePer1kTokens":600,"maxOutputTokens":4096}'
  curl -sf -o /dev/null -X PATCH "$base/api/workspace" -H "Authorization: Bearer $owner" -H 'Content-Type: application/json' -d '{"model":{"catalogId":"gpt-4o-mini"}}'
  curl -sf -X POST "$base/api/keys" -H "Authorization: Bearer $owner" -H 'Content-Type: application/json' \
    -d '{"name":"bench","userId":"bench","scopes":["proxy"]}' | json '["token"]' >"$work/key$1"
}
setup 5180
setup 5181

cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.3f", ($14 + $15) / hz }' "/proc/$1/stat"; }
measure() { # port connections seconds label
  local pid before after out
  pid=$(cat "$work/pid$1")
  before=$(cpu_seconds "$pid")
  out=$(AUTH="$(cat "$work/key$1")" wrk -t1 -c"$2" -d"$3s" --timeout 5s -s "$shared/chat.lua" "http://127.0.0.1:$1/v1/chat/completions")
  after=$(cpu_seconds "$pid")
  echo "$out" | awk -v l="$4" -v c="$2" -v s="$3" -v a="$before" -v b="$after" '
    /requests in/ { n = $1 } /Non-2xx/ { bad = $NF } /Latency/ { p = $2 }
    END { printf "%s c=%d rps=%.0f mean_latency=%s cpu_ms_per_request=%.3f non2xx=%d\n", l, c, n / s, p, 1000 * (b - a) / n, bad }'
}

measure 5180 16 8 warm-up >/dev/null
measure 5181 16 8 warm-up >/dev/null
echo "A: $a_settings"
echo "B: $b_settings"
for round in $(seq "$rounds"); do
  for c in $conns; do
    measure 5180 "$c" "$seconds" "round $round A"
    measure 5181 "$c" "$seconds" "round $round B"
  done
done
