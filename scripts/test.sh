#!/usr/bin/env bash
# Runs the whole test suite on a clean machine: installs what the tests need (PostgreSQL, nginx, RabbitMQ), builds
# with warnings as errors, runs every test project, and ends with one line "N passed, N failed[, N skipped]".
# Node.js and npm must be present for the OAuth tests (tests/TestSupport/oidc) and for Azurite, Microsoft's Azure
# Storage emulator (npm azurite, tests/Silo.Tests/azurite), which this script installs; the Azure storage tests start it
# themselves on a free loopback port and never skip.
# The PostgreSQL tests start throw-away clusters themselves (initdb/pg_ctl in a temp directory, a free loopback port);
# with CI=true they fail rather than skip when PostgreSQL cannot be started.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '>> %s\n' "$*" >&2; }

# Installs Debian packages as root, or stops with the command to run. $1 says what needs them.
apt_install() {
  local why="$1"; shift
  if [ "$(id -u)" -ne 0 ]; then
    log "$why needs $* and this user cannot install it: run 'sudo apt-get install -y $*'."
    exit 1
  fi
  log "installing $* (Debian) for $why"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq "$@" >/dev/null
}

ensure_postgres() {
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then return; fi
  if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then return; fi
  apt_install "the PostgreSQL tests" postgresql
  # The package starts a system cluster we do not use; the tests run their own.
  if command -v pg_lsclusters >/dev/null 2>&1; then
    pg_lsclusters -h 2>/dev/null | while read -r version name _; do pg_ctlcluster "$version" "$name" stop 2>/dev/null || true; done
  fi
}

# The OAuth connector tests run a real OAuth server (npm oidc-provider, tests/TestSupport/oidc) with Node.js; the test
# fixture runs 'npm ci' there itself, against the committed lock file, the first time it is needed.
ensure_node() {
  if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    local major
    major="$(node -p 'process.versions.node.split(".")[0]')"
    if [ "$major" -ge 18 ]; then return; fi
    log "Node.js $(node --version) is too old for tests/TestSupport/oidc (18 or later is needed)."
    exit 1
  fi
  apt_install "the OAuth and Azure storage tests" nodejs npm
}

# The Azure storage tests (Silo:Storage=azure) run against Azurite. 'npm ci' against the committed lock file, skipped
# when node_modules already matches it; the marker is the one the test fixture (AzuriteInstall) checks and writes.
ensure_azurite() {
  local folder=tests/Silo.Tests/azurite hash
  hash="$(sha256sum "$folder/package-lock.json" | cut -d' ' -f1)"
  if [ -f "$folder/node_modules/.platform-lock-sha256" ] && [ "$(cat "$folder/node_modules/.platform-lock-sha256")" = "$hash" ]; then return; fi
  log "installing Azurite (npm ci in $folder)"
  (cd "$folder" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  printf '%s' "$hash" > "$folder/node_modules/.platform-lock-sha256"
}

# The cluster tests run the shipped deploy/nginx configuration in front of two gateway processes.
ensure_nginx() {
  if [ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1; then return; fi
  apt_install "the cluster tests" nginx
  # The package may start a system nginx on port 80; the tests run their own on loopback ports.
  if [ -f /run/nginx.pid ]; then nginx -s stop 2>/dev/null || true; fi
}

# The bus tests (Platform:Bus:Transport=rabbitmq) start throw-away RabbitMQ nodes themselves (tests/TestSupport/
# TemporaryRabbitMqServer.cs), each with its own node name, ports and data directory.
ensure_rabbitmq() {
  if [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]; then return; fi
  apt_install "the RabbitMQ bus tests" rabbitmq-server
  # The package may start a system node on port 5672; the tests run their own on loopback ports.
  if command -v service >/dev/null 2>&1; then service rabbitmq-server stop >/dev/null 2>&1 || true; fi
}

ensure_postgres
ensure_nginx
ensure_rabbitmq
ensure_node
ensure_azurite

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
log "building Platform.sln (warnings are errors)"
dotnet build Platform.sln -c Debug -nologo -v quiet

results="$(mktemp)"
trap 'rm -f "$results"' EXIT
status=0
dotnet test Platform.sln -c Debug --no-build -nologo 2>&1 | tee "$results" || status=$?

# Sum the per-project summaries ("Passed!  - Failed: 0, Passed: 90, Skipped: 0, Total: 90, ...").
read -r passed failed skipped projects < <(awk '
  /(Passed|Failed)! +- +Failed: +[0-9]+, +Passed: +[0-9]+, +Skipped: +[0-9]+/ {
    line = $0
    gsub(/[^0-9,]/, " ", line)
    split(line, parts, ",")
    f += parts[1] + 0; p += parts[2] + 0; s += parts[3] + 0; n++
  }
  END { printf "%d %d %d %d\n", p, f, s, n }' "$results")

expected="$(dotnet sln Platform.sln list | grep -c 'Tests\.csproj$' || true)"
if [ "$projects" -lt "$expected" ]; then
  log "only $projects of $expected test projects reported a summary"
  status=1
fi
if [ "$passed" -eq 0 ]; then
  log "no test ran"
  status=1
fi

# A fixture or collection whose clean-up threw fails the run (dotnet test exits non-zero) without failing a test; count
# each as a failure so the summary says why the run failed.
cleanup_failures="$(grep -c '\[Test \(Class\|Collection\|Assembly\) Cleanup Failure' "$results" || true)"
failed=$((failed + cleanup_failures))
if [ "$cleanup_failures" -gt 0 ]; then log "$cleanup_failures test fixture clean-up(s) failed"; fi

summary="$passed passed, $failed failed"
if [ "$skipped" -gt 0 ]; then summary="$summary, $skipped skipped"; fi
echo "$summary"
if [ "$failed" -gt 0 ]; then status=1; fi
exit "$status"
