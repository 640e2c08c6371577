# Sourced, not run: starts the Linux test server (//test/server:aerospike_test_server) as a
# standalone cluster on loopback for clients in other processes (tools/test_external.sh; the
# mingw client tests under Wine can use it the same way).
#
#   source tools/test_server.sh
#   test_server_build || exit 1      # native build; TEST_SERVER_BIN = a copy outside bazel-bin
#   test_server_start || exit 1      # 3 nodes, ephemeral ports; exports AEROSPIKE_TEST_HOSTS
#   trap test_server_stop EXIT
#   bazel test --test_env=AEROSPIKE_TEST_HOSTS="$AEROSPIKE_TEST_HOSTS" ...
#   test_server_stop                 # SIGTERM, bounded wait; safe to call twice
#
# test_server_start takes extra server flags (`--nodes 1`, `--replication-factor 1`, ...;
# defaults: --nodes 3 --replication-factor 2 --port 0). The server's stdin is a FIFO this shell
# holds open (--stop-on-eof), so if the calling script dies without stopping it, the server
# stops when the last holder of that descriptor exits. Its output is in $TEST_SERVER_DIR.
# Needs bash 4.1+ (automatic file descriptors). BAZEL_STARTUP_OPTS is passed to bazel.

TEST_SERVER_BIN="${TEST_SERVER_BIN:-}"
TEST_SERVER_PID=""
TEST_SERVER_DIR=""
TEST_SERVER_FD=""

test_server_log() { echo "test_server: $*" >&2; }

# Builds the server for the host (never with a cross config) and copies it aside, so a later
# `bazel build --config=mingw` that moves the bazel-bin symlink cannot take it away.
test_server_build() {
  local out
  # shellcheck disable=SC2086
  bazel ${BAZEL_STARTUP_OPTS:-} build --config=werror //test/server:aerospike_test_server >&2 \
    || { test_server_log "cannot build //test/server:aerospike_test_server"; return 1; }
  # shellcheck disable=SC2086
  out="$(bazel ${BAZEL_STARTUP_OPTS:-} info --config=werror bazel-bin 2>/dev/null)/test/server/aerospike_test_server"
  [ -x "$out" ] || { test_server_log "cannot find the built binary at $out"; return 1; }
  local dir
  dir="$(mktemp -d "${TMPDIR:-/tmp}/aerospike-test-server-bin.XXXXXX")" || return 1
  cp "$out" "$dir/aerospike_test_server" || return 1
  TEST_SERVER_BIN="$dir/aerospike_test_server"
}

# Starts the cluster and waits (at most 30 s) until it is ready; exports AEROSPIKE_TEST_HOSTS.
test_server_start() {
  [ -n "$TEST_SERVER_BIN" ] && [ -x "$TEST_SERVER_BIN" ] \
    || { test_server_log "TEST_SERVER_BIN is not an executable (run test_server_build)"; return 1; }
  [ -z "$TEST_SERVER_PID" ] || { test_server_log "already running (pid $TEST_SERVER_PID)"; return 1; }
  TEST_SERVER_DIR="$(mktemp -d "${TMPDIR:-/tmp}/aerospike-test-server.XXXXXX")" || return 1
  mkfifo "$TEST_SERVER_DIR/stdin" || return 1
  "$TEST_SERVER_BIN" --nodes 3 --replication-factor 2 --port 0 "$@" \
    --hosts-file "$TEST_SERVER_DIR/hosts" --stop-on-eof \
    <"$TEST_SERVER_DIR/stdin" >"$TEST_SERVER_DIR/stdout" 2>"$TEST_SERVER_DIR/stderr" &
  TEST_SERVER_PID=$!
  exec {TEST_SERVER_FD}>"$TEST_SERVER_DIR/stdin"  # the server's stdin stays open while we hold this
  local i
  for ((i = 0; i < 300; ++i)); do
    [ -s "$TEST_SERVER_DIR/hosts" ] && break
    if ! kill -0 "$TEST_SERVER_PID" 2>/dev/null; then
      test_server_log "the server exited at start: $(cat "$TEST_SERVER_DIR/stderr")"
      test_server_stop
      return 1
    fi
    sleep 0.1
  done
  if [ ! -s "$TEST_SERVER_DIR/hosts" ]; then
    test_server_log "the server was not ready after 30 s"
    test_server_stop
    return 1
  fi
  AEROSPIKE_TEST_HOSTS="$(head -n1 "$TEST_SERVER_DIR/hosts")"
  export AEROSPIKE_TEST_HOSTS
  test_server_log "running (pid $TEST_SERVER_PID): AEROSPIKE_TEST_HOSTS=$AEROSPIKE_TEST_HOSTS"
}

# Stops the cluster: SIGTERM, then up to 10 s for a clean exit, then SIGKILL. Returns non-zero
# when the server had to be killed or did not exit with status 0.
test_server_stop() {
  local rc=0 i
  if [ -n "$TEST_SERVER_PID" ]; then
    kill -TERM "$TEST_SERVER_PID" 2>/dev/null
    for ((i = 0; i < 100; ++i)); do
      kill -0 "$TEST_SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$TEST_SERVER_PID" 2>/dev/null; then
      test_server_log "the server did not stop on SIGTERM within 10 s: killed"
      kill -KILL "$TEST_SERVER_PID" 2>/dev/null
      rc=1
    fi
    wait "$TEST_SERVER_PID" 2>/dev/null || rc=1
    TEST_SERVER_PID=""
  fi
  if [ -n "$TEST_SERVER_FD" ]; then
    exec {TEST_SERVER_FD}>&-
    TEST_SERVER_FD=""
  fi
  [ -n "$TEST_SERVER_DIR" ] && rm -rf "$TEST_SERVER_DIR"
  TEST_SERVER_DIR=""
  return $rc
}

# TLS listeners for the cluster: `test_server_tls_certs DIR NAME` makes a CA and a server
# certificate for NAME (SAN DNS:NAME and IP:127.0.0.1) with the `openssl` command into DIR and
# sets TEST_SERVER_TLS_ARGS (pass them to test_server_start) and AEROSPIKE_TEST_TLS_CA; after
# the start, `test_server_export_tls` exports AEROSPIKE_TEST_TLS_HOSTS=127.0.0.1:NAME:port,...
# (one per node, read from the server's "node ... tls <port>" lines).
TEST_SERVER_TLS_ARGS=()
TEST_SERVER_TLS_NAME=""
test_server_tls_certs() {
  local dir="$1" name="$2"
  command -v openssl >/dev/null || { test_server_log "missing the openssl command (Debian package openssl)"; return 1; }
  mkdir -p "$dir" || return 1
  (
    cd "$dir" || exit 1
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
      -subj "/CN=test CA" -keyout ca.key -out ca.pem 2>/dev/null || exit 1
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$name" \
      -keyout server.key -out server.csr 2>/dev/null || exit 1
    printf 'subjectAltName=DNS:%s,IP:127.0.0.1\n' "$name" >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
      -extfile server.ext -out server.pem 2>/dev/null || exit 1
  ) || { test_server_log "cannot make test certificates in $dir"; return 1; }
  TEST_SERVER_TLS_NAME="$name"
  TEST_SERVER_TLS_ARGS=(--tls-port 0 --tls-cert "$dir/server.pem" --tls-key "$dir/server.key" --tls-name "$name")
  AEROSPIKE_TEST_TLS_CA="$dir/ca.pem"
  export AEROSPIKE_TEST_TLS_CA
}

test_server_export_tls() {
  local i
  for ((i = 0; i < 100; ++i)); do
    grep -qx ready "$TEST_SERVER_DIR/stdout" 2>/dev/null && break
    sleep 0.1
  done
  AEROSPIKE_TEST_TLS_HOSTS="$(awk -v name="$TEST_SERVER_TLS_NAME" \
    '$1 == "node" && $5 == "tls" { split($4, hp, ":"); printf "%s%s:%s:%s", sep, hp[1], name, $6; sep = "," }' \
    "$TEST_SERVER_DIR/stdout")"
  [ -n "$AEROSPIKE_TEST_TLS_HOSTS" ] || { test_server_log "the server reported no TLS listener"; return 1; }
  export AEROSPIKE_TEST_TLS_HOSTS
  test_server_log "TLS: AEROSPIKE_TEST_TLS_HOSTS=$AEROSPIKE_TEST_TLS_HOSTS"
}
