"""Shrink the image's venv to what the gateway imports; the container tests then run the app on what is left.

- Distributions litestar pulls in for its CLI and test factories (faker alone is ~20 MB), never imported when serving.
- botocore's models of the 400-odd AWS services it does not talk to: S3, plus STS and SSO for credentials.
- pip, setuptools and wheel: nothing is installed at run time.
"""

import shutil
import subprocess
import sys
from pathlib import Path

UNUSED = ["polyfactory", "faker", "rich-click", "rich", "pygments", "markdown-it-py", "mdurl"]
BOTOCORE_MODELS = {"s3", "sts", "sso", "sso-oidc"}

venv = Path(sys.argv[1])
site = next(venv.glob("lib/python3*/site-packages"))
subprocess.run([venv / "bin/pip", "uninstall", "--yes", "--quiet", *UNUSED], check=True)
for model in (site / "botocore" / "data").iterdir():
    if model.is_dir() and model.name not in BOTOCORE_MODELS:
        shutil.rmtree(model)
for model in (site / "boto3" / "data").iterdir():
    if model.is_dir() and model.name != "s3":
        shutil.rmtree(model)
subprocess.run([venv / "bin/pip", "uninstall", "--yes", "--quiet", "pip", "setuptools", "wheel"], check=True)
