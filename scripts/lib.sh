# Shared by the benchmark scripts (sourced, not run): a peer tool installed on demand,
# the release build, a scratch folder and a server process cleaned up on exit.

# need_tool NAME: installs NAME with apt-get if it is not on the PATH.
need_tool() {
    if ! command -v "$1" >/dev/null; then
        echo "installing $1 with apt-get" >&2
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1"
    fi
}

# Builds the release binary; sets bin, work (a scratch folder) and server (a PID the
# caller may set), all removed or stopped on exit.
build_and_scratch() {
    cargo build --release --quiet
    bin=target/release/netio-tui
    work=$(mktemp -d)
    server=""
    trap 'cleanup_scratch' EXIT
}

cleanup_scratch() {
    [ -n "$server" ] && kill "$server" 2>/dev/null || true
    rm -rf "$work"
}
