# s3-manager: `just --list` is the documentation of these recipes.

set shell := ["bash", "-euo", "pipefail", "-c"]

venv := ".venv"
bin := venv / "bin"

# List the recipes
default:
    @just --list

# Create .venv and install the gateway with its demo and test dependencies (skipped when pyproject.toml is unchanged)
init:
    #!/usr/bin/env bash
    set -euo pipefail
    stamp="{{ venv }}/.installed"
    wanted="$(sha256sum pyproject.toml | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then exit 0; fi
    [ -x "{{ bin }}/python" ] || python3 -m venv "{{ venv }}"
    "{{ bin }}/python" -m pip install --quiet --upgrade pip
    "{{ bin }}/python" -m pip install --quiet -e '.[demo,test]'
    echo "$wanted" > "$stamp"

# Run the explorer on an embedded S3 (moto) with demo data, at http://127.0.0.1:PORT
demo port="8000": init
    {{ bin }}/s3-manager demo --port {{ port }}

# Serve the explorer against the store configured in the environment (see README: Configuration)
serve *args: init
    {{ bin }}/s3-manager serve {{ args }}

# Serve with granian reloading on code changes, against the store in the environment
dev port="8000": init
    {{ bin }}/s3-manager serve --reload --port {{ port }}

# Run every test tier: unit, API (moto server) and browser (Chromium); what CI runs
test *args: init
    {{ bin }}/python -m pytest {{ args }}

# Unit and API tests only: the fast loop while developing
test-fast *args: init
    {{ bin }}/python -m pytest tests/unit tests/api {{ args }}

# Browser tests only (headless Chromium against granian)
test-browser *args: init
    {{ bin }}/python -m pytest tests/browser {{ args }}

# Check style: ruff lint and format
lint: init
    {{ bin }}/ruff check gateway tests bench
    {{ bin }}/ruff format --check gateway tests bench

# Format the code
fmt: init
    {{ bin }}/ruff format gateway tests bench
    {{ bin }}/ruff check --fix gateway tests bench

# Run the benchmarks in bench/ (prints ratios against baselines measured in the same run)
bench *args: init
    {{ bin }}/python bench/first_page.py {{ args }}

# Vendor htmx VERSION from the npm registry into static/vendor/, with its licence and checksum
vendor-htmx version:
    #!/usr/bin/env bash
    set -euo pipefail
    work="$(mktemp -d)"
    (cd "$work" && npm pack --silent "htmx.org@{{ version }}" >/dev/null && tar xzf htmx.org-*.tgz)
    cp "$work/package/dist/htmx.min.js" "static/vendor/htmx-{{ version }}.min.js"
    cp "$work/package/LICENSE" "static/vendor/htmx-{{ version }}.LICENSE"
    sha256sum "static/vendor/htmx-{{ version }}.min.js"
    rm -rf "$work"
