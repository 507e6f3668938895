# shellcheck shell=bash
# `licensing demo` on a fresh temporary data directory and a free loopback port, for the scripts that test a live
# server (scripts/ui-tests, scripts/schemathesis). Source it, then call `demo_server_start NAME`:
#
#   source "$root/scripts/lib/demo-server.sh"
#   demo_server_start schemathesis
#
# It reads `binary` (the licensing executable) and `python` (a python 3) from the caller, and sets:
#   work        a new directory under $TMPDIR (the demo's data is $work/data, its log $work/server.log)
#   base        http://127.0.0.1:PORT, answering /health when the function returns
#   server_pid  the server's pid
# On exit (an EXIT trap it installs) the server gets SIGTERM and is waited for, and $work is removed. NAME prefixes
# its messages. A server that ends before it answers, or does not answer /health within 60 s, ends the script (exit 1)
# with its log.
#
# `demo_server_check NAME PATTERN` at the end of a run: exit status 1 (with the log's tail, or the matching lines)
# when the server died during the run or its log has lines matching the grep PATTERN (e.g. "unexpected error").

demo_server_cleanup() {
    if [ -n "${server_pid:-}" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [ -n "${work:-}" ]; then rm -rf "$work"; fi
}

demo_server_healthy() {
    "$python" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2).read()' "$base/health" \
        >/dev/null 2>&1
}

demo_server_start() {
    local name=$1
    work=$(mktemp -d "${TMPDIR:-/tmp}/licensing-$name.XXXXXX")
    server_pid=""
    trap demo_server_cleanup EXIT
    local port
    port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    base="http://127.0.0.1:$port"
    "$binary" demo --data "$work/data" --host 127.0.0.1 --port "$port" >"$work/server.log" 2>&1 &
    server_pid=$!
    local attempt
    for attempt in $(seq 1 300); do
        demo_server_healthy && return 0
        if ! kill -0 "$server_pid" 2>/dev/null; then
            echo "scripts/$name: the server exited before it was ready (after $attempt polls):" >&2
            cat "$work/server.log" >&2
            exit 1
        fi
        sleep 0.2
    done
    demo_server_healthy && return 0
    echo "scripts/$name: no answer from $base/health after 60 s" >&2
    cat "$work/server.log" >&2
    exit 1
}

demo_server_check() {
    local name=$1 pattern=$2
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "scripts/$name: the server died during the run:" >&2
        tail -n 50 "$work/server.log" >&2
        return 1
    fi
    if grep -q "$pattern" "$work/server.log"; then
        echo "scripts/$name: the server logged unexpected errors:" >&2
        grep "$pattern" "$work/server.log" | head -n 20 >&2
        return 1
    fi
    return 0
}
