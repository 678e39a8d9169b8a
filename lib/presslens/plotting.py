"""One figure helper and one report style for every notebook (colour-blind-safe Okabe-Ito palette)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from presslens.outputs import RunOutputs

#: Okabe & Ito (2008), distinguishable under the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
#: A diverging map for signed scores (negative orange, positive blue), also colour-blind safe.
DIVERGING = "PuOr"
SEQUENTIAL = "cividis"

STYLE = {
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "figure.dpi": 100,
    "savefig.dpi": 150,
}


@contextmanager
def figure(
    name: str,
    outputs: RunOutputs | None = None,
    *,
    size: tuple[float, float] = (7.0, 4.0),
    nrows: int = 1,
    ncols: int = 1,
    **subplot_kw: object,
) -> Iterator[tuple[plt.Figure, "np.ndarray | plt.Axes"]]:
    """Yield a styled (figure, axes); on exit lay it out, save it as ``figures/<name>.png`` and show it here.

    The figure is displayed and closed explicitly: leaving it to the inline backend shows only a notebook's first
    figure, because the style context's exit restores ``interactive`` to its value before the backend was set up.
    """
    with plt.style.context(STYLE):
        fig, axes = plt.subplots(nrows, ncols, figsize=size, **subplot_kw)
        yield fig, axes
        fig.tight_layout()
        if outputs is not None:
            outputs.figure(fig, name)
    show(fig)


def show(fig: plt.Figure) -> None:
    """Display ``fig`` in the running notebook (nothing outside IPython) and close it."""
    from IPython import get_ipython
    from IPython.display import display

    if get_ipython() is not None:
        display(fig)
    plt.close(fig)


def outlet_colours(outlets: Sequence[str]) -> dict[str, str]:
    """A stable colour per outlet, in sorted order of the outlet names."""
    return {outlet: PALETTE[i % len(PALETTE)] for i, outlet in enumerate(sorted(outlets))}


def heatmap(
    ax: plt.Axes,
    values: pd.DataFrame,
    *,
    labels: pd.DataFrame | None = None,
    cmap: str = SEQUENTIAL,
    vmin: float | None = None,
    vmax: float | None = None,
    colorbar_label: str = "",
) -> None:
    """Draw ``values`` (rows x columns) as a heatmap, each cell annotated with ``labels`` (e.g. n, interval)."""
    image = ax.imshow(values.to_numpy(dtype=float), cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
    ax.set_xticks(range(values.shape[1]), values.columns, rotation=40, ha="right")
    ax.set_yticks(range(values.shape[0]), values.index)
    ax.grid(False)
    if labels is not None:
        for (row, col), text in np.ndenumerate(labels.to_numpy(dtype=object)):
            if isinstance(text, str) and text:
                ax.text(col, row, text, ha="center", va="center", fontsize=7)
    ax.figure.colorbar(image, ax=ax, label=colorbar_label, shrink=0.8)
