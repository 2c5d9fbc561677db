#!/usr/bin/env bash
# The package as a user gets it: build the sdist and the wheel (the wheel from the sdist), `twine check`
# both, check the wheel holds LICENSE, py.typed and the SPDX license, install the wheel into a fresh
# venv without development dependencies, and synthesize examples/existing_app there with the CDK CLI
# (`cdk synth`). `make check-wheel`; the dist files land in dist/.
source "$(dirname "$0")/common.sh"
start=$SECONDS
cd "$ROOT"

rm -rf dist
"$DEV/python" -m build --outdir dist . > "$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; exit 1; }
"$DEV/twine" check --strict dist/*
"$DEV/python" scripts/inspect_wheel.py dist/*

venv=$WORK/venv
fresh_venv "$venv"
"$venv/bin/python" -m pip install --quiet dist/*.whl
"$venv/bin/python" -m pip check
# Nothing of requirements-dev.txt but the runtime dependencies (and what they pull in) got installed.
runtime="aws-cdk-lib constructs jsii click"
dev_only=$(sed -e 's/#.*//' -e 's/[=<>~!].*//' requirements-dev.txt | tr '[:upper:]_.' '[:lower:]--' | grep -v '^$' \
    | grep -vxF -f <(tr ' ' '\n' <<< "$runtime"))
leaked=$("$venv/bin/python" -m pip list --format=freeze | sed 's/==.*//' | tr '[:upper:]_.' '[:lower:]--' \
    | grep -xF -f <(echo "$dev_only") || true)
[[ -z "$leaked" ]] || { echo "error: development packages in the clean venv: $leaked" >&2; exit 1; }
echo "clean venv: $("$venv/bin/python" -m pip list --format=freeze | grep -ciE '^(aws-cdk-lib|constructs|jsii|click|network-trail)==') of 5 expected packages, no development package"

cp -r examples/existing_app "$WORK/app"
(cd "$WORK/app" && PATH=$(clean_path "$venv" "$ROOT/node_modules/.bin") cdk synth --quiet -o "$WORK/cdk.out" > "$WORK/synth.log" 2>&1) \
    || { cat "$WORK/synth.log" >&2; exit 1; }
"$venv/bin/python" scripts/verify_existing_app.py "$WORK/cdk.out"
PATH=$(clean_path "$venv") network-trail --help > /dev/null

# The git-URL install of docs/installation.md, from this clone's committed code (no network host).
git_url="network-trail @ git+file://$ROOT@$(git rev-parse HEAD)"
"$venv/bin/python" -m pip install --quiet --force-reinstall --no-deps "$git_url"
"$venv/bin/python" -m pip check
PATH=$(clean_path "$venv") network-trail --help > /dev/null
echo "git URL install: ok ($git_url)"
echo "check-wheel: passed in $((SECONDS - start)) s ($(cd dist && ls | tr '\n' ' '))"
