"""One figure helper and one report style for every notebook (colour-blind-safe Okabe-Ito palette)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import matplotlib
import matplotlib.dates as mdates
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
        legible_dates(fig)
        fig.tight_layout()
        if outputs is not None:
            outputs.figure(fig, name)
    show(fig)


def legible_dates(fig: plt.Figure) -> None:
    """Slant the tick labels of every date axis so that neighbouring dates do not overlap."""
    for ax in fig.axes:
        if isinstance(ax.xaxis.get_major_formatter(), (mdates.AutoDateFormatter, mdates.ConciseDateFormatter,
                                                       mdates.DateFormatter)):
            for label in ax.get_xticklabels():
                label.set_rotation(30)
                label.set_horizontalalignment("right")


def show(fig: plt.Figure) -> None:
    """Display ``fig`` in the running notebook (nothing outside IPython) and close it."""
    from IPython import get_ipython
    from IPython.display import display

    if get_ipython() is not None:
        display(fig)
    plt.close(fig)


#: Per-outlet figures draw at most this many outlets, those with the most articles; their tables hold every outlet.
MAX_OUTLETS = 20


def largest_outlets(articles_per_outlet: pd.Series, limit: int | None = None) -> list[str]:
    """The ``limit`` (default ``MAX_OUTLETS``) outlets with the most articles (ties by name), from a Series of
    articles per outlet."""
    ranked = sorted(articles_per_outlet.index, key=lambda outlet: (-articles_per_outlet[outlet], outlet))
    return ranked[:MAX_OUTLETS if limit is None else limit]


def outlets_shown(shown: int, total: int) -> str:
    """A title's note on which outlets a figure draws: "" when all, else how many of them and which."""
    return "" if shown >= total else f"\nthe {shown} of {total} outlets with the most articles; every outlet is in the table"


def outlet_colours(outlets: Sequence[str]) -> dict[str, str]:
    """A stable colour per outlet, in sorted order of the outlet names."""
    return {outlet: PALETTE[i % len(PALETTE)] for i, outlet in enumerate(sorted(outlets))}


#: Above this many cells a heatmap drops its cell labels (they would be unreadable); the CSV table has them.
MAX_LABELLED_CELLS = 600
#: At most this many tick labels per axis; denser axes label every k-th row or column.
MAX_TICK_LABELS = 60


def label_colour(rgba: Sequence[float]) -> str:
    """Black or white, whichever reads better on a cell of colour ``rgba`` (relative luminance, WCAG)."""
    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4
    red, green, blue = (linear(c) for c in rgba[:3])
    return "black" if 0.2126 * red + 0.7152 * green + 0.0722 * blue > 0.179 else "white"


def _ticks(count: int) -> range:
    """Positions to label on an axis of ``count`` items: all of them, or every k-th when they are too many."""
    return range(0, count, max(1, -(-count // MAX_TICK_LABELS)))


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
    """Draw ``values`` (rows x columns) as a heatmap, each cell annotated with ``labels`` (e.g. n, interval).

    Labels are black or white by the cell's luminance, and shrink (or are left out) as the grid grows.
    """
    image = ax.imshow(values.to_numpy(dtype=float), cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
    rows, columns = _ticks(values.shape[0]), _ticks(values.shape[1])
    ax.set_xticks(list(columns), [values.columns[i] for i in columns], rotation=40, ha="right")
    ax.set_yticks(list(rows), [values.index[i] for i in rows])
    ax.grid(False)
    if labels is not None and values.size <= MAX_LABELLED_CELLS:
        size = 7 if values.size <= 150 else 5
        numbers = values.to_numpy(dtype=float)
        for (row, col), text in np.ndenumerate(labels.to_numpy(dtype=object)):
            if isinstance(text, str) and text:
                colour = label_colour(image.cmap(image.norm(numbers[row, col]))) if np.isfinite(numbers[row, col]) \
                    else "black"
                ax.text(col, row, text, ha="center", va="center", fontsize=size, color=colour)
    ax.figure.colorbar(image, ax=ax, label=colorbar_label, shrink=0.8)
