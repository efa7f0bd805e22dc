"""`podman play kube` for kube.yaml, working around Podman 4.3 (Debian 12) mishandling Secret documents.

Podman 4.3 stores a Secret from the YAML re-serialised as YAML, then reads it back as a JSON map of base64 values
("secret ... is not valid JSON"). So this creates each Secret itself in that form, and plays the other documents
unchanged.

    python docker/podman_kube.py up kube.yaml [--network NAME] [--image OLD=NEW ...]
    python docker/podman_kube.py down kube.yaml
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from typing import Any

import yaml


def split(path: str, images: dict[str, str]) -> tuple[list[dict[str, Any]], str]:
    """(the Secret documents, the other documents as YAML with images replaced)."""
    with open(path) as file:
        docs = [doc for doc in yaml.safe_load_all(file) if doc]
    secrets = [doc for doc in docs if doc["kind"] == "Secret"]
    rest = yaml.safe_dump_all([doc for doc in docs if doc["kind"] != "Secret"], sort_keys=False)
    for old, new in images.items():
        rest = rest.replace(f"image: {old}\n", f"image: {new}\n")
    return secrets, rest


def pod_names(rest: str) -> list[str]:
    """The pods `podman play kube` makes of these documents: a Pod's name, and NAME-pod-N per Deployment replica."""
    names = []
    for doc in yaml.safe_load_all(rest):
        if doc and doc["kind"] == "Pod":
            names.append(doc["metadata"]["name"])
        elif doc and doc["kind"] == "Deployment":
            names += [f"{doc['metadata']['name']}-pod-{n}" for n in range(doc["spec"].get("replicas", 1))]
    return names


def pairs(items: list[str]) -> dict[str, str]:
    return dict(item.split("=", 1) for item in items)


def podman(*args: str, stdin: str | None = None, check: bool = True) -> None:
    subprocess.run(["podman", *args], input=stdin, text=True, check=check)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["up", "down"])
    parser.add_argument("file")
    parser.add_argument("--network", help="a podman network with DNS, so pods find each other by name")
    parser.add_argument("--image", action="append", default=[], help="OLD=NEW: run NEW where the YAML says OLD")
    args = parser.parse_args()
    secrets, rest = split(args.file, pairs(args.image))
    with tempfile.NamedTemporaryFile("w", suffix=".yaml") as played:
        played.write(rest)
        played.flush()
        if args.action == "up":
            for secret in secrets:
                podman("secret", "rm", secret["metadata"]["name"], check=False)
                podman("secret", "create", secret["metadata"]["name"], "-", stdin=json.dumps(secret["data"]))
            network = ["--network", args.network] if args.network else []
            podman("play", "kube", *network, played.name)
        else:
            podman("play", "kube", "--down", played.name, check=False)
            for pod in pod_names(rest):  # what --down left (it gives up on a pod busy stopping): "down" means gone
                podman("pod", "rm", "--force", "--ignore", pod)
            for secret in secrets:
                podman("secret", "rm", secret["metadata"]["name"], check=False)


if __name__ == "__main__":
    sys.exit(main())
