"""Where a run writes its tables and figures, written so that reruns are byte-identical."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from presslens import paths


@dataclass(frozen=True)
class RunOutputs:
    """The output folder of one report run: ``tables/*.csv`` and ``figures/*.png`` beneath ``root``."""

    root: Path

    @classmethod
    def at(cls, output_dir: str | Path | None) -> "RunOutputs":
        """Outputs under ``output_dir`` (relative paths from the project root), or ``reports/scratch``."""
        root = paths.resolve(output_dir) if output_dir else paths.REPORTS_DIR / "scratch"
        return cls(root)

    @property
    def tables(self) -> Path:
        """The folder of CSV tables."""
        return self.root / "tables"

    @property
    def figures(self) -> Path:
        """The folder of PNG figures."""
        return self.root / "figures"

    def table(self, frame: pd.DataFrame, name: str) -> Path:
        """Write ``frame`` as ``tables/<name>.csv`` (no index, fixed float format, LF endings)."""
        self.tables.mkdir(parents=True, exist_ok=True)
        target = self.tables / f"{name}.csv"
        frame.to_csv(target, index=False, lineterminator="\n", float_format="%.6g")
        return target

    def figure(self, fig: "matplotlib.figure.Figure", name: str) -> Path:  # noqa: F821
        """Save ``fig`` as ``figures/<name>.png`` without a time stamp in its metadata."""
        self.figures.mkdir(parents=True, exist_ok=True)
        target = self.figures / f"{name}.png"
        fig.savefig(target, dpi=150, bbox_inches="tight", metadata={"Software": None})
        return target
