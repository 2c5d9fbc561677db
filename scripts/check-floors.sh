#!/usr/bin/env bash
# The declared dependency floors hold: a fresh venv gets exactly the lowest version pyproject.toml
# declares for each dependency (aws-cdk-lib, constructs, jsii, click) and for the build backend
# (setuptools), builds and installs network_trail against them, and synthesizes examples/existing_app.
# Fails if pip cannot resolve the floors together, if `pip check` finds a conflict, or if the
# example does not synthesize what scripts/verify_existing_app.py expects. `make check-floors`.
source "$(dirname "$0")/common.sh"
start=$SECONDS
cd "$ROOT"

"$DEV/python" scripts/floors.py > "$WORK/floors.txt"
"$DEV/python" scripts/floors.py --build > "$WORK/build-floors.txt"
echo "floors: $(tr '\n' ' ' < "$WORK/floors.txt")build: $(tr '\n' ' ' < "$WORK/build-floors.txt")"

venv=$WORK/venv
fresh_venv "$venv"
"$venv/bin/python" -m pip install --quiet -r "$WORK/floors.txt" -r "$WORK/build-floors.txt"
# The package from a copy of the working tree, built by the lowest setuptools; --no-deps so pip
# cannot lift a floor to satisfy it: `pip check` then says whether the floors satisfy it.
mkdir "$WORK/src"
cp -r pyproject.toml README.md LICENSE network_trail "$WORK/src/"
"$venv/bin/python" -m pip install --quiet --no-deps --no-build-isolation "$WORK/src"
"$venv/bin/python" -m pip check
# The partition table that stands in for Stack.partition agrees with the lowest aws-cdk-lib.
PATH=$(clean_path "$venv") python scripts/verify_regions.py

cp -r examples/existing_app "$WORK/app"
(cd "$WORK/app" && PATH=$(clean_path "$venv") CDK_OUTDIR="$WORK/cdk.out" python app.py)
"$venv/bin/python" scripts/verify_existing_app.py "$WORK/cdk.out"
# The CLI's entry point runs on the lowest click.
PATH=$(clean_path "$venv") network-trail --help > /dev/null
echo "check-floors: passed in $((SECONDS - start)) s"
