#!/usr/bin/env bash
# The OpenAI-compatible endpoint side by side with the upstream called directly (the limit) and the Portkey gateway
# (a peer), on loopback, through ../shared/bench/compare.sh. Starts the platform in Release on its embedded default
# (SQLite in a temporary directory), creates a workspace whose provider is compare.sh's zero-latency upstream with a cap
# high enough for the run, runs compare.sh, and prints its lines and ratios, then the CPU time per request of the
# platform and of Portkey. Everything listens on 127.0.0.1 and stops when the script ends.
#   COMPARE   path of compare.sh (default: ../shared/bench/compare.sh next to this repository)
#   DURATION, CONNS, THREADS  passed to compare.sh (10s, "1 16 64", 1)
#   STRICT_BILLING  true: the platform runs with Platform:Proxy:StrictBilling (default false)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
compare=${COMPARE:-$repo/../shared/bench/compare.sh}
[ -x "$compare" ] || [ -f "$compare" ] || { echo "compare.sh not found at $compare (set COMPARE)" >&2; exit 2; }
work=$(mktemp -d /tmp/platform-proxy-bench.XXXXXX)
port=${PLATFORM_PORT:-5180}
base=http://127.0.0.1:$port
operator="op_bench_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

for busy in 18080 8787 "$port"; do
  if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$busy/"; then echo "127.0.0.1:$busy is in use; stop what listens there first" >&2; exit 2; fi
done

echo "building the platform (Release)..." >&2
dotnet publish "$repo/Gateway" -c Release -o "$work/gateway" -v q -nologo >/dev/null

# Rate limits are raised for the run: the benchmark measures the endpoint's cost, not the per-key limiter's refusals.
Platform__DataDirectory="$work/data" Platform__OperatorKey="$operator" \
Platform__Proxy__StrictBilling="${STRICT_BILLING:-false}" \
Platform__Gateway__RequestsPerSecondPerKey=1000000 Platform__Gateway__BurstPerKey=1000000 \
Platform__Models__OpenAI__ApiKey=sk-fake Platform__Models__OpenAI__AllowedBaseUrls__0=http://127.0.0.1:18080/v1 \
Logging__LogLevel__Default=Warning \
ASPNETCORE_URLS=$base \
  dotnet "$work/gateway/Platform.Gateway.dll" >"$work/platform.log" 2>&1 & pids+=($!)
platform_pid=${pids[0]}
for _ in $(seq 100); do curl -sf -o /dev/null "$base/healthz" && break; sleep 0.2; done
curl -sf -o /dev/null "$base/healthz" || { echo "the platform did not start; its log:" >&2; cat "$work/platform.log" >&2; exit 1; }

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
owner=$(curl -sf -X POST "$base/api/workspaces" -H "Authorization: Bearer $operator" -H 'Content-Type: application/json' \
  -d '{"name":"Proxy benchmark","ownerUserId":"bench","ownerDisplayName":"Bench"}' | json '["ownerKey"]')
# $1,000 a month at gpt-4o-mini's list prices (0.15 and 0.60 USD per million tokens) covers millions of calls.
curl -sf -o /dev/null -X PUT "$base/api/budget" -H "Authorization: Bearer $owner" -H 'Content-Type: application/json' -d '{"monthlyCapMicros":1000000000}'
# Prices are the operator's: the operator puts the model into the catalogue, the workspace chooses it.
curl -sf -o /dev/null -X PUT "$base/api/catalog/models/gpt-4o-mini" -H "Authorization: Bearer $operator" -H 'Content-Type: application/json' \
  -d '{"provider":"openai","model":"gpt-4o-mini","baseUrl":"http://127.0.0.1:18080/v1","inputPricePer1kTokens":150,"outputPricePer1kTokens":600,"maxOutputTokens":4096}'
curl -sf -o /dev/null -X PATCH "$base/api/workspace" -H "Authorization: Bearer $owner" -H 'Content-Type: application/json' \
  -d '{"model":{"catalogId":"gpt-4o-mini"}}'
key=$(curl -sf -X POST "$base/api/keys" -H "Authorization: Bearer $owner" -H 'Content-Type: application/json' \
  -d '{"name":"bench","userId":"bench","scopes":["proxy"]}' | json '["token"]')

cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.3f", ($14 + $15) / hz }' "/proc/$1/stat" 2>/dev/null || echo 0; }
# Portkey is started (and stopped) by compare.sh; sample its CPU while it lives so the last sample is its total.
( while sleep 0.5; do p=$(pgrep -f 'gateway/build/start-server.js' | head -1 || true); [ -n "$p" ] && cpu_seconds "$p" >"$work/portkey.cpu.tmp" && mv "$work/portkey.cpu.tmp" "$work/portkey.cpu"; done ) & pids+=($!)

# Warm up (JIT tiers, connection pools) so the figures are the steady state, not the first seconds of a fresh process.
command -v wrk >/dev/null || { apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }; }
(PORT=18080 node "$(dirname "$compare")/fake-upstream.js" & echo $! >"$work/warm.pid"; wait) &
for _ in $(seq 50); do curl -s -o /dev/null http://127.0.0.1:18080/ && break; sleep 0.1; done
AUTH="$key" wrk -t1 -c16 -d8s -s "$(dirname "$compare")/chat.lua" "$base/v1/chat/completions" >/dev/null
kill "$(cat "$work/warm.pid")" 2>/dev/null || true; sleep 0.5

platform_cpu_before=$(cpu_seconds "$platform_pid")
PLATFORM_URL="$base/v1/chat/completions" PLATFORM_KEY="$key" bash "$compare" | tee "$work/compare.out"
platform_cpu=$(awk -v a="$platform_cpu_before" -v b="$(cpu_seconds "$platform_pid")" 'BEGIN{printf "%.3f", b - a}')
duration=${DURATION:-10s}; seconds=${duration%s}
requests() { awk -v t="$1" -v s="$seconds" '$1 == t { sub("rps=", "", $3); n += $3 * s } END { printf "%d", n }' "$work/compare.out"; }
platform_requests=$(requests platform)
portkey_requests=$(requests portkey)
awk -v c="$platform_cpu" -v n="$platform_requests" 'BEGIN{ if (n > 0) printf "cpu platform: %.1f s for %d requests = %.3f ms per request\n", c, n, 1000 * c / n }'
if [ -f "$work/portkey.cpu" ]; then
  awk -v c="$(cat "$work/portkey.cpu")" -v n="$portkey_requests" 'BEGIN{ if (n > 0) printf "cpu portkey: %.1f s for %d requests = %.3f ms per request (start-up included)\n", c, n, 1000 * c / n }'
fi
# The workspace's books after the run: every call settled, nothing left reserved.
curl -sf "$base/api/budget" -H "Authorization: Bearer $owner" | json '' | sed 's/^/budget after the run: /'
