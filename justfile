# s3-manager: `just --list` is the documentation of these recipes.

set shell := ["bash", "-euo", "pipefail", "-c"]

venv := ".venv"
bin := venv / "bin"
# docker when a Docker daemon answers (BuildKit), else podman
engine := `if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then echo docker; else echo podman; fi`
compose := if engine == "docker" { "docker compose" } else { "podman-compose" }
image := "localhost/s3-manager:latest"
# The one place the version is written is gateway/__init__.py; images get it as a tag and an OCI label
version := `python3 .ci/release.py version`
platforms := "linux/amd64,linux/arm64"
ca_bundle := "/etc/ssl/certs/ca-certificates.crt"

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

# Develop in a container (Dockerfile.dev): the source mounted, granian reloading on change, the store from the env
dev port="8000":
    {{ engine }} build -f Dockerfile.dev -t localhost/s3-manager:dev-reload {{ if path_exists(ca_bundle) == "true" { "--secret id=ca-bundle,src=" + ca_bundle } else { "" } }} .
    {{ engine }} run --rm -it -p 127.0.0.1:{{ port }}:8000 -v "$PWD":/app:z \
        -e S3_ENDPOINT_URL -e S3_PUBLIC_ENDPOINT_URL -e AWS_ACCESS_KEY_ID -e AWS_SECRET_ACCESS_KEY -e AWS_REGION \
        localhost/s3-manager:dev-reload

# Run every test tier: unit, API, CLI, browser (Chromium) and container (Podman); what CI runs. On two processes;
# the container tests take turns with Podman (tests/container/conftest.py)
test *args: init
    {{ bin }}/python -m pytest -n 2 {{ args }}

# Unit and API tests only, scale scenarios left out, property tests on a tenth of their examples, on two
# processes: the fast loop while developing
test-fast *args: init
    {{ bin }}/python -m pytest tests/unit tests/api -m "not slow" -n 2 --hypothesis-profile quick {{ args }}

# The compatibility tier alone (each test against moto, SeaweedFS, Ceph RGW and s3rver); writes README.md's table
compat *args: init
    {{ bin }}/python -m pytest tests/compat -n 2 --compat-table README.md {{ args }}

# Browser tests only (headless Chromium against granian)
test-browser *args: init
    {{ bin }}/python -m pytest tests/browser {{ args }}

# Container tests only: build the image with Podman on a stand-in base, run it, play kube.yaml
test-container *args: init
    {{ bin }}/python -m pytest tests/container {{ args }}

# The arm64 image under qemu: build both platforms into one manifest list on stand-in bases, run the arm64 one
# next to SeaweedFS until healthy, presign a round trip through it (about 10 minutes the first time; CI runs it
# after `just test`)
test-arm64 *args: init
    {{ bin }}/python -m pytest tests/container/test_multi_platform.py --emulated -n 0 {{ args }}

# Build the image (BuildKit or Podman), tagged latest and with the version; BASE overrides the Python base image
build base="":
    {{ if engine == "docker" { "DOCKER_BUILDKIT=1 docker build" } else { "podman build --format docker" } }} \
        {{ if base != "" { "--build-arg PYTHON_IMAGE=" + base } else { "" } }} \
        {{ if path_exists(ca_bundle) == "true" { "--secret id=ca-bundle,src=" + ca_bundle } else { "" } }} \
        --build-arg VERSION={{ version }} -t {{ image }} -t localhost/s3-manager:{{ version }} .

# Build one image for several platforms (a manifest list, localhost/s3-manager:multi): Docker buildx when a daemon
# answers (its builder must be docker-container: `docker buildx create --use`), else Podman's --manifest. Other
# architectures build under qemu-user-static. TO pushes the list: a registry reference, or with Podman oci:DIR
build-multi base="" to="" platforms=platforms:
    #!/usr/bin/env bash
    set -euo pipefail
    args=(--platform "{{ platforms }}" --build-arg "VERSION={{ version }}")
    {{ if base != "" { "args+=(--build-arg PYTHON_IMAGE=" + base + ")" } else { "" } }}
    {{ if path_exists(ca_bundle) == "true" { "args+=(--secret id=ca-bundle,src=" + ca_bundle + ")" } else { "" } }}
    if [ "{{ engine }}" = docker ]; then
        # buildx keeps a multi-platform result in its cache unless told where to put it
        output=({{ if to != "" { "--push -t " + to } else { "--output type=oci,dest=s3-manager-" + version + ".oci.tar" } }})
        docker buildx build "${args[@]}" "${output[@]}" .
    else
        # a manifest list grows with each build into it: start from none
        podman manifest rm localhost/s3-manager:multi >/dev/null 2>&1 || true
        podman build --format docker "${args[@]}" --manifest localhost/s3-manager:multi .
        {{ if to != "" { "podman manifest push --all localhost/s3-manager:multi " + to } else { "" } }}
    fi

# Start the gateway and SeaweedFS with compose (http://localhost:8080/)
up:
    {{ compose }} up -d

# Stop the compose stack (its data volume is kept)
down:
    {{ compose }} down

# Follow the compose stack's logs
logs:
    {{ compose }} logs -f

# Rebuild the image and restart the compose stack on it
rebuild: build
    {{ compose }} up -d --force-recreate

# Run kube.yaml with `podman play kube` (two gateway replicas, SeaweedFS and a local gateway on :8080)
kube-up: init
    podman network exists s3-manager || podman network create s3-manager
    {{ bin }}/python docker/podman_kube.py up kube.yaml --network s3-manager

# Stop what kube-up started
kube-down: init
    {{ bin }}/python docker/podman_kube.py down kube.yaml

# Check style and types (ruff lint and format, mypy in strict mode on gateway/), and the forges' workflow files
# offline (their schemas, the pinned actions' inputs and outputs, their scripts); CI fails on any
lint: init
    {{ bin }}/ruff check gateway tests bench .ci
    {{ bin }}/ruff format --check gateway tests bench .ci
    {{ bin }}/mypy
    {{ bin }}/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
    {{ bin }}/check-jsonschema --builtin-schema vendor.gitlab-ci .gitlab-ci.yml
    {{ bin }}/python .ci/check_workflows.py .github/workflows/*.yml .gitlab-ci.yml

# Format the code
fmt: init
    {{ bin }}/ruff format gateway tests bench .ci
    {{ bin }}/ruff check --fix gateway tests bench .ci

# Run the benchmarks in bench/ (each prints ratios against a baseline measured in the same run); KEYS, SECONDS and
# ZIP_OBJECTS (of 1 MiB each) size them; the scan's and the export's memory are measured at ten times KEYS
bench keys="100000" seconds="10" zip_objects="1000": init
    {{ bin }}/python bench/presign.py
    {{ bin }}/python bench/http_routes.py --seconds {{ seconds }}
    {{ bin }}/python bench/load.py --seconds {{ seconds }}
    {{ bin }}/python bench/login_flood.py --seconds {{ seconds }}
    {{ bin }}/python bench/first_page.py --keys {{ keys }}
    {{ bin }}/python bench/first_page.py --keys {{ keys }} --page-size 1000 --rounds 5 --json bench/results/first_page_1000.json
    {{ bin }}/python bench/export_memory.py --keys {{ keys }}
    {{ bin }}/python bench/export_speed.py --keys {{ keys }}
    {{ bin }}/python bench/export_scale.py --keys {{ keys }}0
    {{ bin }}/python bench/page_weight.py
    {{ bin }}/python bench/scan.py --keys {{ keys }}
    {{ bin }}/python bench/scan_memory.py --keys {{ keys }}0
    {{ bin }}/python bench/zip.py --objects {{ zip_objects }}

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

# Vendor client-zip VERSION (the zip writer of "Download as zip") from the npm registry, with its licence and checksum
vendor-client-zip version:
    #!/usr/bin/env bash
    set -euo pipefail
    work="$(mktemp -d)"
    (cd "$work" && npm pack --silent "client-zip@{{ version }}" >/dev/null && tar xzf client-zip-*.tgz)
    mkdir -p "static/vendor/client-zip-{{ version }}"
    cp "$work/package/index.js" "$work/package/LICENSE.txt" "static/vendor/client-zip-{{ version }}/"
    sha256sum "static/vendor/client-zip-{{ version }}/index.js"
    rm -rf "$work"

# Take the README's screenshots (list, grid, details, upload panel, dark, phone) from the demo in Chromium
screenshots: init
    {{ bin }}/python docs/screenshots.py
