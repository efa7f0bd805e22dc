"""How the benchmarks in bench/ report: their figures, and their ratios against a baseline measured in the same run,
printed as a table and saved as JSON (bench/results/) to compare with later runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def report(
    path: Path, title: str, figures: dict[str, float], ratios: dict[str, float], unit: str, **about: Any
) -> None:
    """Print `title`, each figure in `unit` and each ratio; save them with `about` (what was measured) to `path`."""
    print(title)
    width = max(map(len, [*figures, *ratios]))
    for name, value in figures.items():
        print(f"  {name:<{width}} {value:12.3f} {unit}".rstrip())
    for name, value in ratios.items():
        print(f"  {name:<{width}} {value:12.2f} x")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({**about, "figures": figures, "ratios": ratios}, indent=2) + "\n")
