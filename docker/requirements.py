"""Print the runtime dependencies listed in pyproject.toml, one per line, for `pip install` in the image.

The image installs the dependencies in their own layer before the app's code, so that layer survives code changes.
"""

import sys
import tomllib

with open(sys.argv[1], "rb") as file:
    print("\n".join(tomllib.load(file)["project"]["dependencies"]))
