"""Figures of notebook 03-quotes: voices, evaluative reporting verbs and quoting styles per outlet."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from presslens import plotting


def outlet_label(outlet: str, n_articles: int, n_quotes: int, small_n: bool = False) -> str:
    """An outlet's axis label with its articles and attributions (and a small-n warning)."""
    return f"{outlet} ({n_articles} art., {n_quotes} attr.{', small n' if small_n else ''})"


def largest(table: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """A per-outlet table's rows of the outlets a figure draws (most articles first), and the title's note on them."""
    sizes = table.groupby("outlet")["n_articles"].max()
    shown = plotting.largest_outlets(sizes)
    return table[table["outlet"].isin(shown)], plotting.outlets_shown(len(shown), len(sizes))


def plot_voices(ax: plt.Axes, voices: pd.DataFrame) -> None:
    """Heatmap of outlet x speaker category: share of the outlet's attributions, cells labelled with counts."""
    voices, note = largest(voices)
    shares = voices.pivot(index="outlet", columns="speaker_category", values="share").fillna(0.0)
    counts = voices.pivot(index="outlet", columns="speaker_category", values="count").fillna(0).astype(int)
    sizes = voices.groupby("outlet")[["n_articles", "n"]].max()
    labels = counts.astype(str).where(counts > 0, "")
    shares.index = labels.index = [outlet_label(o, *sizes.loc[o]) for o in shares.index]
    plotting.heatmap(ax, shares, labels=labels, vmin=0, vmax=1, colorbar_label="share of the outlet's attributions")
    ax.set_title("Whose voices each outlet carries (cell: number of attributions)" + note)


def plot_evaluative_share(ax: plt.Axes, evaluative: pd.DataFrame) -> None:
    """Bars of each outlet's share of evaluative reporting verbs, with 95% bootstrap intervals over its articles."""
    evaluative, note = largest(evaluative)
    colours = plotting.outlet_colours(evaluative["outlet"])
    rows = list(range(len(evaluative)))
    ax.barh(rows, evaluative["share"], color=[colours[o] for o in evaluative["outlet"]])
    ax.errorbar(evaluative["share"], rows, fmt="none", ecolor="black", capsize=3,
                xerr=[evaluative["share"] - evaluative["ci_low"], evaluative["ci_high"] - evaluative["share"]])
    ax.set_yticks(rows, [outlet_label(r.outlet, r.n_articles, r.n, r.small_n) for r in evaluative.itertuples()])
    upper = float(evaluative["ci_high"].max())  # nan when no interval is defined
    ax.set_xlim(0, min(1.0, 1.15 * upper) if upper > 0 else 1.0)
    ax.set_xlabel("share of attributions with an evaluative reporting verb (95% interval, articles resampled)")
    ax.set_title("Evaluative ('threatened', 'claimed', 'admitted') against neutral ('said') verbs" + note)


def plot_kinds(ax: plt.Axes, kinds: pd.DataFrame) -> None:
    """Stacked bars of each outlet's direct / indirect / mixed shares."""
    kinds, note = largest(kinds)
    stacked = kinds.pivot(index="outlet", columns="kind", values="share").fillna(0.0)
    sizes = kinds.groupby("outlet")[["n_articles", "n"]].max()
    left = pd.Series(0.0, index=stacked.index)
    for colour, kind in zip(plotting.PALETTE, stacked.columns):
        ax.barh(stacked.index, stacked[kind], left=left, color=colour, label=kind)
        left += stacked[kind]
    ax.set_yticks(range(len(stacked)), [outlet_label(o, *sizes.loc[o]) for o in stacked.index])
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of the outlet's attributions")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3, frameon=False)
    ax.set_title("How much each outlet quotes verbatim" + note)
