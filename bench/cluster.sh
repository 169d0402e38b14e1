#!/usr/bin/env bash
# The OpenAI-compatible endpoint on a cluster beside one node, on loopback: a throw-away PostgreSQL (initdb/pg_ctl in a
# temporary directory), then (1) one node on it, measured directly, and (2) two nodes of one cluster behind nginx
# running deploy/nginx/platform.conf, measured through nginx. Each setup gets its own database and a workspace whose
# provider is ../shared/bench/fake-upstream.js. Prints wrk's figures per setup and connection count, and the nodes'
# CPU time per request. Everything listens on 127.0.0.1 and stops when the script ends.
#   CONNS (default "16 64"), SECONDS_PER_RUN (10), WARMUP (15, seconds per setup), SHARED_BENCH (../shared/bench next to this repository)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED_BENCH:-$repo/../shared/bench}
conns=${CONNS:-16 64}
seconds=${SECONDS_PER_RUN:-10}
pgbin=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")
[ -x "$pgbin/initdb" ] || { echo "PostgreSQL is not installed (apt-get install -y postgresql)" >&2; exit 2; }
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { echo "nginx is not installed (apt-get install -y nginx)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 2; }

work=$(mktemp -d /tmp/platform-cluster-bench.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -f "$work/pg/postmaster.pid" ] && su postgres -s /bin/sh -c "'$pgbin/pg_ctl' -D '$work/pg' -m immediate stop" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

echo "starting PostgreSQL and building the platform (Release)..." >&2
pgport=$(free_port)
mkdir -p "$work/pg" && chown postgres "$work/pg"
su postgres -s /bin/sh -c "'$pgbin/initdb' -D '$work/pg' -A trust -U postgres" >/dev/null
su postgres -s /bin/sh -c "'$pgbin/pg_ctl' -D '$work/pg' -o '-p $pgport -k $work/pg -c listen_addresses=127.0.0.1' -l '$work/pg/log' -w start" >/dev/null
dotnet publish "$repo/Gateway" -c Release -o "$work/gateway" -v q -nologo >/dev/null
(PORT=18080 node "$shared/fake-upstream.js" >/dev/null 2>&1) & pids+=($!)
operator="op_bench_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"

start_node() { # name http-port database cluster-id
  mkdir -p "$work/$1"
  Platform__DataDirectory="$work/$1" Platform__Keys__KeyFilePath="$work/keys.json" Platform__OperatorKey="$operator" \
  Platform__Gateway__RequestsPerSecondPerKey=1000000 Platform__Gateway__BurstPerKey=1000000 \
  Platform__Models__OpenAI__ApiKey=sk-fake Platform__Models__OpenAI__AllowedBaseUrls__0=http://127.0.0.1:18080/v1 \
  Silo__Clustering=postgres Silo__Storage=postgres Silo__Postgres__ConnectionString="Host=127.0.0.1;Port=$pgport;Username=postgres;Database=$3" \
  Silo__ClusterId="$4" Silo__NodeName="$1" Silo__AdvertisedAddress=127.0.0.1 Silo__SiloPort="$(free_port)" Silo__GatewayPort="$(free_port)" \
  Logging__LogLevel__Default=Warning ASPNETCORE_URLS="http://127.0.0.1:$2" \
    dotnet "$work/gateway/Platform.Gateway.dll" >"$work/$1.log" 2>&1 &
  pids+=($!)
  echo $! >"$work/$1.pid"
  for _ in $(seq 200); do curl -sf -o /dev/null "http://127.0.0.1:$2/healthz" && return; sleep 0.2; done
  echo "node $1 did not start; its log:" >&2; cat "$work/$1.log" >&2; exit 1
}

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
workspace() { # base-url; prints a proxy key
  local base=$1 owner
  owner=$(curl -sf -X POST "$base/api/workspaces" -H "Authorization: Bearer $operator" -H 'Content-Type: application/json' \
    -d '{"name":"Cluster benchmark","ownerUserId":"bench","ownerDisplayName":"Bench"}' | json '["ownerKey"]')
  curl -sf -o /dev/null -X PUT "$base/api/budget" -H "Authorization: Bearer $owner" -H 'Content-Type: application/json' -d '{"monthlyCapMicros":1000000000}'
  curl -sf -o /dev/null -X PUT "$base/api/catalog/models/gpt-4o-mini" -H "Authorization: Bearer $operator" -H 'Content-Type: application/json' \
    -d '{"provider":"openai","model":"gpt-4o-mini","baseUrl":"http://127.0.0.1:18080/v1","inputPricePer1kTokens":150,"outputPricePer1kTokens":600,"maxOutputTokens":4096}'
  curl -sf -o /dev/null -X PATCH "$base/api/workspace" -H "Authorization: Bearer $owner" -H 'Content-Type: application/json' -d '{"model":{"catalogId":"gpt-4o-mini"}}'
  curl -sf -X POST "$base/api/keys" -H "Authorization: Bearer $owner" -H 'Content-Type: application/json' \
    -d '{"name":"bench","userId":"bench","scopes":["proxy"]}' | json '["token"]'
}
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.3f", ($14 + $15) / hz }' "/proc/$1/stat"; }
measure() { # label url key pid-files...
  local label=$1 url=$2 key=$3; shift 3
  local before after p
  AUTH="$key" wrk -t1 -c16 -d"${WARMUP:-15}s" -s "$shared/chat.lua" "$url" >/dev/null   # warm-up: JIT tiers, pools
  for c in $conns; do
    before=0; for p in "$@"; do before=$(awk -v a="$before" -v b="$(cpu_seconds "$(cat "$p")")" 'BEGIN{print a+b}'); done
    local out; out=$(AUTH="$key" wrk -t1 -c"$c" -d"${seconds}s" --timeout 5s -s "$shared/chat.lua" "$url" | grep RESULT)
    after=0; for p in "$@"; do after=$(awk -v a="$after" -v b="$(cpu_seconds "$(cat "$p")")" 'BEGIN{print a+b}'); done
    echo "$out" | awk -v l="$label" -v c="$c" -v s="$seconds" -v a="$before" -v b="$after" '{
      split($2, r, "="); printf "%s c=%d %s %s %s %s %s cpu_ms_per_request=%.3f\n", l, c, $2, $3, $4, $5, $6, 1000 * (b - a) / (r[2] * s) }'
  done
}

make_database() { su postgres -s /bin/sh -c "'$pgbin/psql' -h 127.0.0.1 -p $pgport -U postgres -qc 'CREATE DATABASE $1'"; }

# (1) One node, called directly.
make_database single
one=$(free_port)
start_node solo "$one" single single
key=$(workspace "http://127.0.0.1:$one")
measure "one node" "http://127.0.0.1:$one/v1/chat/completions" "$key" "$work/solo.pid"
kill "$(cat "$work/solo.pid")"; sleep 1

# (2) Two nodes of one cluster behind nginx.
make_database pair
a=$(free_port); b=$(free_port)
start_node node-a "$a" pair pair
start_node node-b "$b" pair pair
lb=$(free_port)
mkdir -p "$work/nginx"/{body,proxy,fastcgi,uwsgi,scgi} && chmod -R 777 "$work/nginx"
sed "s/    listen 80;/    listen 127.0.0.1:$lb;/" "$repo/deploy/nginx/platform.conf" >"$work/nginx/platform.conf"
printf 'server 127.0.0.1:%s max_fails=1 fail_timeout=5s;\nserver 127.0.0.1:%s max_fails=1 fail_timeout=5s;\n' "$a" "$b" >"$work/nginx/platform-nodes.conf"
cat >"$work/nginx/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $work/nginx/body; proxy_temp_path $work/nginx/proxy; fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi; scgi_temp_path $work/nginx/scgi;
    include platform.conf;
}
EOF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" & pids+=($!)
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$lb/healthz" && break; sleep 0.1; done
key=$(workspace "http://127.0.0.1:$lb")
measure "two nodes behind nginx" "http://127.0.0.1:$lb/v1/chat/completions" "$key" "$work/node-a.pid" "$work/node-b.pid"
# The same workspace through the node its grains may not live on: every call then crosses nodes.
measure "node-a directly" "http://127.0.0.1:$a/v1/chat/completions" "$key" "$work/node-a.pid" "$work/node-b.pid"
measure "node-b directly" "http://127.0.0.1:$b/v1/chat/completions" "$key" "$work/node-a.pid" "$work/node-b.pid"
