# shellcheck shell=bash
# Shared helpers for scripts/run and scripts/test. Source it; do not execute it.
#
# Everything here is idempotent: a second call reuses installed packages, the
# existing build directory, an initialised cluster and a running server.
#
# Step messages go to stderr, prefixed with "==> ". Noisy tool output (apt,
# npm, cmake, ninja) goes to var/log/<step>.log and is only shown (its tail)
# when the step fails.

set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
VAR_DIR="$REPO/var"
LOG_DIR="$VAR_DIR/log"
BUILD_DIR="$REPO/build"
TOOLS_DIR="$VAR_DIR/tools"
TOOLS_BIN="$TOOLS_DIR/node_modules/.bin"
PG_BIN="/usr/lib/postgresql/15/bin"
# shellcheck disable=SC2034 # used by scripts/run and scripts/test
SERVER_BIN="$BUILD_DIR/server/app/lifecycled"

# Debian packages the project needs (build, runtime, tests, buf via npm).
REQUIRED_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libpqxx-dev libspdlog-dev libgtest-dev libgmock-dev nlohmann-json3-dev
  libcli11-dev libssl-dev libabsl-dev prometheus-cpp-dev
  libcpp-httplib-dev  # HTTP gateway: Connect protocol + support console (server/gateway)
  postgresql-15 postgresql-client-15
  nodejs npm ca-certificates
)

# Set by start_cluster: where the cluster it started (or found running) listens.
CLUSTER_SOCKET_DIR=""
CLUSTER_PORT=""

# ---------------------------------------------------------------------------
# Messages

log()  { printf '==> %s\n' "$*" >&2; }
warn() { printf '==> WARNING: %s\n' "$*" >&2; }
die()  { printf '==> ERROR: %s\n' "$*" >&2; exit 1; }

require_root() {
  if [[ $(id -u) -ne 0 ]]; then
    die "must be run as root (it installs Debian packages and runs PostgreSQL as the 'postgres' user via runuser); try: sudo $0"
  fi
}

# Prepare var/ and var/log/. var/ itself must stay traversable by the postgres
# user, since the clusters live under it by default.
init_var_dirs() {
  if [[ ! -d $VAR_DIR ]]; then
    mkdir -m 755 "$VAR_DIR"
  fi
  mkdir -p "$LOG_DIR"
}

# run_logged NAME CMD... : run CMD with its output in var/log/NAME.log (replaced
# on each call). On failure print the log's tail and return CMD's status.
run_logged() {
  local name=$1
  shift
  local logf="$LOG_DIR/$name.log"
  mkdir -p "$LOG_DIR"
  printf '### %s: %s\n' "$(date '+%F %T')" "$*" >"$logf"
  if "$@" >>"$logf" 2>&1; then
    return 0
  else
    local rc=$?
    printf '==> "%s" failed (exit %d); last lines of %s:\n' "$*" "$rc" "$logf" >&2
    tail -n 60 "$logf" | sed 's/^/    /' >&2
    return "$rc"
  fi
}

# ---------------------------------------------------------------------------
# Serialise the set-up of concurrent scripts/run and scripts/test in one
# checkout (apt, the build directory, cluster start). Released before the
# server is exec'ed or the tests run.

acquire_setup_lock() {
  init_var_dirs
  exec 9>"$VAR_DIR/.setup.lock"
  if ! flock -n 9; then
    log "waiting for another scripts/run or scripts/test in this checkout to finish its set-up"
    flock 9
  fi
}

release_setup_lock() {
  exec 9>&-
}

# ---------------------------------------------------------------------------
# Debian packages

# package_satisfied PKG: installed according to dpkg. nodejs/npm also count as
# present when their commands exist: NodeSource's nodejs bundles npm and
# conflicts with Debian's npm package.
package_satisfied() {
  local pkg=$1 status
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ $status == "install ok installed" ]] && return 0
  case $pkg in
    npm) command -v npm >/dev/null 2>&1 && return 0 ;;
    nodejs) command -v node >/dev/null 2>&1 && return 0 ;;
  esac
  return 1
}

# Headless browser for the console test (scripts/test only: it is large).
BROWSER_TEST_PACKAGES=(chromium)

# ensure_packages [PKG...] : the given packages, default REQUIRED_PACKAGES.
ensure_packages() {
  local missing=() pkg wanted=("$@")
  ((${#wanted[@]})) || wanted=("${REQUIRED_PACKAGES[@]}")
  for pkg in "${wanted[@]}"; do
    package_satisfied "$pkg" || missing+=("$pkg")
  done
  if ((${#missing[@]} == 0)); then
    log "packages: all ${#wanted[@]} present"
    return 0
  fi
  command -v apt-get >/dev/null 2>&1 || die "missing packages (${missing[*]}) and no apt-get: this expects Debian 12"
  log "packages: installing ${#missing[@]} missing (${missing[*]}); logs: var/log/apt-update.log, var/log/apt.log"
  run_logged apt-update apt-get update || die "apt-get update failed"
  run_logged apt env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}" || die "apt-get install failed"
  for pkg in "${missing[@]}"; do
    package_satisfied "$pkg" || die "package $pkg still not installed after apt-get install (see var/log/apt.log)"
  done
}

# ---------------------------------------------------------------------------
# buf (npm package @bufbuild/buf into var/tools)

# ensure_buf required|optional : on success puts var/tools/node_modules/.bin on
# PATH and exports BUF. "optional" only warns when it cannot be installed.
ensure_buf() {
  local mode=${1:-required}
  local buf="$TOOLS_BIN/buf"
  if [[ ! -x $buf ]]; then
    log "buf: installing @bufbuild/buf@1 into var/tools (npm); log: var/log/npm.log"
    mkdir -p "$TOOLS_DIR"
    if ! run_logged npm npm install --prefix "$TOOLS_DIR" --no-audit --no-fund --loglevel=error "@bufbuild/buf@1"; then
      if [[ $mode == optional ]]; then
        warn "could not install buf with npm; continuing without it"
        return 0
      fi
      die "could not install buf with npm"
    fi
  fi
  if ! "$buf" --version >/dev/null 2>&1; then
    if [[ $mode == optional ]]; then
      warn "$buf does not run; continuing without it (delete var/tools to reinstall)"
      return 0
    fi
    die "$buf does not run (delete var/tools to reinstall)"
  fi
  export PATH="$TOOLS_BIN:$PATH"
  export BUF="$buf"
  log "buf: $("$buf" --version 2>/dev/null) at var/tools/node_modules/.bin/buf"
}

# ---------------------------------------------------------------------------
# Browser test (tests/browser): Chromium from Debian, playwright-core from npm

ensure_browser_test_deps() {
  ensure_packages "${BROWSER_TEST_PACKAGES[@]}"
  local dir="$REPO/tests/browser"
  # Reinstall when the lock file changed since the last install.
  if [[ ! -f $dir/node_modules/.package-lock.json || $dir/package-lock.json -nt $dir/node_modules/.package-lock.json ]]; then
    log "browser test: npm ci in tests/browser; log: var/log/npm-browser.log"
    run_logged npm-browser npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error \
      || die "npm ci in tests/browser failed"
  fi
}

# ---------------------------------------------------------------------------
# Build

build() {
  [[ -f $REPO/CMakeLists.txt ]] || die "no CMakeLists.txt in $REPO: nothing to build"
  export CCACHE_DIR="${CCACHE_DIR:-$VAR_DIR/ccache}"
  mkdir -p "$CCACHE_DIR"

  # A build dir configured for another source path (moved/copied checkout)
  # cannot be reused: start it afresh.
  if [[ -f $BUILD_DIR/CMakeCache.txt ]]; then
    local home
    home=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$BUILD_DIR/CMakeCache.txt")
    if [[ -n $home && $home != "$REPO" ]]; then
      log "build: build/ was configured for $home, not $REPO; removing it"
      rm -rf "$BUILD_DIR"
    fi
  fi

  if [[ ! -f $BUILD_DIR/build.ninja ]]; then
    log "build: configuring (cmake, Ninja, RelWithDebInfo); log: var/log/cmake-configure.log"
    run_logged cmake-configure cmake -S "$REPO" -B "$BUILD_DIR" -G Ninja \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
      || die "cmake configure failed"
  fi

  local jobs=()
  [[ -n ${JOBS:-} ]] && jobs=(-j "$JOBS")
  log "build: compiling${JOBS:+ (-j $JOBS)}; log: var/log/build.log"
  run_logged build cmake --build "$BUILD_DIR" "${jobs[@]}" || die "build failed"
}

# ---------------------------------------------------------------------------
# PostgreSQL cluster

# Run a command as the postgres user, from / (the caller's cwd may be a
# directory postgres cannot enter), without the set-up lock's fd 9: a
# postmaster started from here must not inherit it (it would hold the lock
# for as long as it runs).
as_postgres() {
  (cd / && runuser -u postgres -- "$@") 9>&-
}

repo_hash() {
  printf '%s' "$REPO" | sha256sum | cut -c1-8
}

# postgres_can_use DIR: DIR exists and postgres can traverse to and write it.
postgres_can_use() {
  as_postgres test -d "$1" -a -x "$1" -a -w "$1" 2>/dev/null
}

# First ancestor of PATH (or PATH itself) that postgres cannot enter, if any.
blocking_ancestor() {
  local p=$1 acc="" part
  local IFS=/
  for part in $p; do
    [[ -z $part ]] && continue
    acc="$acc/$part"
    [[ -d $acc ]] || break
    if ! as_postgres test -x "$acc" 2>/dev/null; then
      printf '%s\n' "$acc"
      return 0
    fi
  done
  return 1
}

# fallback_base: /var/tmp/lifecycled-<hash of repo path>, created if needed
# (root-owned, 755; refused if someone else owns it). Prints the path.
fallback_base() {
  local base owner
  base="/var/tmp/lifecycled-$(repo_hash)"
  if [[ -e $base ]]; then
    [[ -d $base && ! -L $base ]] || die "$base exists and is not a directory"
    owner=$(stat -c %U "$base")
    [[ $owner == root ]] || die "$base is owned by '$owner', not root: refusing to use it"
  else
    mkdir -m 755 "$base"
  fi
  printf '%s\n' "$REPO" >"$base/REPO"
  printf '%s\n' "$base"
}

# make_pg_root DIR: create DIR (parents as root) and hand it to postgres.
make_pg_root() {
  local dir=$1
  mkdir -p "$dir"
  chown postgres:postgres "$dir"
  chmod 700 "$dir"
}

# cluster_root_for NAME [OVERRIDE] : print the cluster root directory to use.
#   NAME     pg (scripts/run) or pg-test (scripts/test)
#   OVERRIDE explicit directory (PGROOT / PGROOT_TEST); used as is or fails.
# Default is var/NAME in the checkout; when the postgres user cannot reach or
# write that (e.g. checkout under a mode-700 /root), falls back to
# /var/tmp/lifecycled-<hash of repo path>/NAME and says so on stderr.
cluster_root_for() {
  local name=$1 override=${2:-}
  getent passwd postgres >/dev/null || die "no 'postgres' user (is postgresql-15 installed?)"

  if [[ -n $override ]]; then
    override=$(realpath -m "$override")
    make_pg_root "$override"
    postgres_can_use "$override" \
      || die "the postgres user cannot write $override (set explicitly); choose a directory it can reach"
    printf '%s\n' "$override"
    return 0
  fi

  init_var_dirs
  local dir="$VAR_DIR/$name"
  make_pg_root "$dir"
  if postgres_can_use "$dir"; then
    printf '%s\n' "$dir"
    return 0
  fi

  local why blocker
  if blocker=$(blocking_ancestor "$dir"); then
    why="$blocker is not accessible to the postgres user (mode $(stat -c %a "$blocker"), owner $(stat -c %U "$blocker"))"
  else
    why="the postgres user cannot write it"
  fi
  # Leave no empty, useless directory behind.
  rmdir "$dir" 2>/dev/null || true

  local base
  base=$(fallback_base)
  local fallback="$base/$name"
  make_pg_root "$fallback"
  postgres_can_use "$fallback" || die "the postgres user cannot write $fallback either"
  log "postgres cluster: cannot use $dir ($why); using $fallback instead"
  printf '%s\n' "$fallback"
}

# Socket directory for a cluster root: ROOT/run, unless the socket path would
# exceed the 107-byte limit of unix sockets.
socket_dir_for() {
  local root=$1 port=$2 name=$3
  local dir="$root/run"
  if (( ${#dir} + ${#port} + 10 > 107 )); then
    dir="$(fallback_base)/$name-run"
    log "postgres cluster: socket path under $root is too long for a unix socket; using $dir"
  fi
  printf '%s\n' "$dir"
}

# pid of the postmaster of DATA if it really is running, else nothing.
# pg_ctl status only checks that the pid in postmaster.pid is alive, which a
# stale file (after a reboot or kill -9) can satisfy through pid reuse, so also
# check that the process's cwd is DATA (the postmaster chdirs to it).
running_postmaster_pid() {
  local data pid real
  data=$(realpath -m "$1")
  [[ -f $data/postmaster.pid ]] || return 0
  as_postgres "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1 || return 0
  pid=$(head -n 1 "$data/postmaster.pid")
  [[ $pid =~ ^[0-9]+$ ]] || return 0
  real=$(readlink -f "$data")
  [[ $(readlink "/proc/$pid/cwd" 2>/dev/null || true) == "$real" ]] || return 0
  printf '%s\n' "$pid"
}

# Any live process whose cwd is DATA (leftover backends of a killed postmaster).
processes_in_datadir() {
  local data=$1 real p
  real=$(readlink -f "$data")
  for p in /proc/[0-9]*; do
    [[ $(readlink "$p/cwd" 2>/dev/null || true) == "$real" ]] && printf '%s ' "${p#/proc/}"
  done
  return 0
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# init_cluster ROOT : initdb ROOT/data as postgres unless already initialised.
init_cluster() {
  local root=$1 data="$1/data"
  if [[ -f $data/PG_VERSION ]]; then
    local v
    v=$(<"$data/PG_VERSION")
    [[ $v == 15 ]] || die "$data holds a PostgreSQL $v cluster, not 15; move it away or set another root"
    return 0
  fi
  log "postgres cluster: initialising $data; log: var/log/initdb-$(basename "$root").log"
  if ! as_postgres "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
    >"$LOG_DIR/initdb-$(basename "$root").log" 2>&1; then
    log "postgres cluster: initdb with --locale=C.UTF-8 failed; retrying with --no-locale"
    as_postgres rm -rf "$data"
    run_logged "initdb-$(basename "$root")" as_postgres "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --no-locale \
      || die "initdb failed"
  fi
}

# start_cluster ROOT PORT MODE [NAME] [PORT_EXPLICIT]
#   MODE run  : durable settings (fsync on)
#   MODE test : dev-speed settings (fsync/synchronous_commit/full_page_writes off)
#   PORT_EXPLICIT 1 if the user chose PORT; otherwise a busy PORT makes the
#   cluster move to the next free port.
# Initialises if needed, starts unless running (removing a stale
# postmaster.pid), waits for pg_isready. Sets CLUSTER_SOCKET_DIR, CLUSTER_PORT.
start_cluster() {
  local root port=$2 mode=$3 name=${4:-$(basename "$1")} explicit=${5:-0}
  root=$(realpath -m "$1")
  local data="$root/data" logf="$root/log/postgres.log"
  [[ -x $PG_BIN/pg_ctl ]] || die "$PG_BIN/pg_ctl not found (postgresql-15 not installed?)"
  [[ $port =~ ^[0-9]+$ ]] || die "invalid port '$port'"

  chown postgres:postgres "$root"
  local d
  for d in "$root/log" "$root/run"; do
    mkdir -p "$d"
    chown postgres:postgres "$d"
  done
  if [[ -d $data && $(stat -c %U "$data") != postgres ]]; then
    log "postgres cluster: giving $data back to the postgres user"
    chown -R postgres:postgres "$data"
  fi
  init_cluster "$root"

  local pid
  pid=$(running_postmaster_pid "$data")
  if [[ -n $pid ]]; then
    local run_port run_sock
    run_port=$(sed -n 4p "$data/postmaster.pid")
    run_sock=$(sed -n 5p "$data/postmaster.pid")
    if [[ $run_port != "$port" && $explicit == 1 ]]; then
      if port_in_use "$port"; then
        die "port $port on 127.0.0.1 is already in use by something else; choose another port (the cluster stays on port $run_port)"
      fi
      log "postgres cluster: running on port $run_port but port $port was asked for; restarting"
      stop_cluster "$root"
      pid=""
    else
      CLUSTER_PORT=$run_port
      CLUSTER_SOCKET_DIR=$run_sock
    fi
  fi

  if [[ -z $pid ]]; then
    if [[ -f $data/postmaster.pid ]]; then
      local left
      left=$(processes_in_datadir "$data")
      [[ -z $left ]] || die "postmaster of $data is gone but processes $left still use it; kill them, then retry"
      log "postgres cluster: removing stale $data/postmaster.pid"
      rm -f "$data/postmaster.pid"
    fi

    if port_in_use "$port"; then
      if [[ $explicit == 1 ]]; then
        die "port $port on 127.0.0.1 is already in use by something else; choose another port"
      fi
      local p=$port
      while port_in_use "$p"; do
        p=$((p + 1))
        ((p < port + 50)) || die "no free port in $port..$((port + 49)); set a port explicitly"
      done
      log "postgres cluster: port $port is in use by something else; using $p"
      port=$p
    fi

    local sock
    sock=$(socket_dir_for "$root" "$port" "$name")
    [[ $sock != *"'"* ]] || die "socket dir $sock contains a quote; move the checkout"
    mkdir -p "$sock"
    chown postgres:postgres "$sock"
    chmod 700 "$sock"
    # A socket lock left by a dead server would block the start.
    rm -f "$sock/.s.PGSQL.$port" "$sock/.s.PGSQL.$port.lock"

    local opts="-p $port -k '$sock' -c listen_addresses=127.0.0.1 -c max_connections=400 -c shared_buffers=1GB"
    if [[ $mode == test ]]; then
      opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    fi
    log "postgres cluster: starting ($mode settings) $data on port $port"
    if ! as_postgres "$PG_BIN/pg_ctl" -D "$data" -l "$logf" -w -t 60 -o "$opts" start >>"$LOG_DIR/pg_ctl.log" 2>&1; then
      printf '==> ERROR: pg_ctl start failed; last lines of %s:\n' "$logf" >&2
      tail -n 30 "$logf" 2>/dev/null | sed 's/^/    /' >&2
      die "could not start PostgreSQL in $data"
    fi
    CLUSTER_PORT=$port
    CLUSTER_SOCKET_DIR=$sock
  fi

  local i
  for ((i = 0; i < 60; i++)); do
    if "$PG_BIN/pg_isready" -q -h "$CLUSTER_SOCKET_DIR" -p "$CLUSTER_PORT"; then
      log "postgres cluster: ready ($mode) at socket $CLUSTER_SOCKET_DIR port $CLUSTER_PORT (data $data)"
      return 0
    fi
    sleep 0.5
  done
  die "PostgreSQL in $data is not accepting connections (see $logf)"
}

# stop_cluster ROOT : fast shutdown if running.
stop_cluster() {
  local root data
  root=$(realpath -m "$1")
  data="$root/data"
  if [[ -n $(running_postmaster_pid "$data") ]]; then
    log "postgres cluster: stopping $data"
    as_postgres "$PG_BIN/pg_ctl" -D "$data" -m fast -w -t 60 stop >>"$LOG_DIR/pg_ctl.log" 2>&1 \
      || die "could not stop PostgreSQL in $data"
  fi
}

# ensure_database NAME : create database NAME in the cluster of the last
# start_cluster call, if missing.
ensure_database() {
  local db=$1 exists
  exists=$("$PG_BIN/psql" -X -h "$CLUSTER_SOCKET_DIR" -p "$CLUSTER_PORT" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname='$db'")
  if [[ $exists != 1 ]]; then
    log "database: creating $db"
    "$PG_BIN/createdb" -h "$CLUSTER_SOCKET_DIR" -p "$CLUSTER_PORT" -U postgres "$db"
  fi
}

# libpq DSN for the last start_cluster call; quotes values only when needed.
dsn_value() {
  local v=$1
  if [[ $v =~ [[:space:]\'\\] || -z $v ]]; then
    v=${v//\\/\\\\}
    v=${v//\'/\\\'}
    printf "'%s'" "$v"
  else
    printf '%s' "$v"
  fi
}

cluster_dsn() {
  local db=$1
  printf 'host=%s port=%s user=postgres dbname=%s' \
    "$(dsn_value "$CLUSTER_SOCKET_DIR")" "$CLUSTER_PORT" "$(dsn_value "$db")"
}
