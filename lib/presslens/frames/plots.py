"""Figures of notebook 01-framing: the outlet frame profile, distinctive terms, and cue tagger vs classifier."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from presslens import plotting
from presslens.frames.cues import frame_names

#: Short axis labels for the SemEval-2023 frame names.
SHORT_NAMES = {"Legality_Constitutionality_and_jurisprudence": "Legality"}


def short_name(frame: str) -> str:
    """A readable short label of a frame name ("Security_and_defense" -> "Security & defense")."""
    return SHORT_NAMES.get(frame, frame.replace("_and_", " & ").replace("_", " "))


def plot_profile(ax: plt.Axes, profile: pd.DataFrame, measure: str = "classifier_probability",
                 max_outlets: int | None = None) -> None:
    """Heatmap of outlet x frame: mean over articles of ``measure``, each cell labelled with its interval."""
    frames = frame_names()
    sizes = profile.groupby("outlet")["n_articles"].first()
    shown = profile[profile["outlet"].isin(plotting.largest_outlets(sizes, max_outlets))]
    means = shown.pivot(index="outlet", columns="frame", values=measure)[frames]
    low = shown.pivot(index="outlet", columns="frame", values=f"{measure}_ci_low")[frames]
    high = shown.pivot(index="outlet", columns="frame", values=f"{measure}_ci_high")[frames]
    interval = ("\n[" + low.round(2).astype(str) + "–" + high.round(2).astype(str) + "]").where(low.notna(), "")
    labels = means.round(2).astype(str) + interval
    means.index = labels.index = [f"{outlet} (n={sizes[outlet]})" for outlet in means.index]
    means.columns = labels.columns = [short_name(f) for f in frames]
    words = "mean classifier probability" if measure == "classifier_probability" else "mean share of cue sentences"
    plotting.heatmap(ax, means, labels=labels, cmap="YlGnBu", vmin=0, vmax=1.0, colorbar_label=words)
    ax.set_title(f"Frames per outlet: {words} over articles [95% bootstrap interval over articles]"
                 + plotting.outlets_shown(means.shape[0], len(sizes)))


def distinctive_terms_grid(terms: pd.DataFrame, top_terms: int) -> tuple[int, int, tuple[float, float]]:
    """Rows, columns and figure size for one panel of distinctive terms per outlet."""
    outlets = terms["outlet"].nunique()
    ncols = max(1, min(3, outlets))
    nrows = max(1, int(np.ceil(outlets / ncols)))
    return nrows, ncols, (4.6 * ncols, 0.28 * top_terms * nrows + 1.2 * nrows)


def plot_distinctive_terms(axes: np.ndarray | plt.Axes, terms: pd.DataFrame) -> None:
    """One bar panel per outlet of its most distinctive terms by z-score; unused panels are hidden."""
    panels = np.atleast_1d(axes).ravel()
    outlets = sorted(terms["outlet"].unique())
    colours = plotting.outlet_colours(outlets)
    for ax, outlet in zip(panels, outlets):
        part = terms[terms["outlet"] == outlet].sort_values("z")
        ax.barh(part["term"], part["z"], color=colours[outlet])
        ax.set_title(outlet, fontsize=9)
        ax.set_xlabel("z-score (log-odds vs other outlets)")
    for ax in panels[len(outlets):]:
        ax.axis("off")


def plot_cue_vs_classifier(ax: plt.Axes, article_frames: pd.DataFrame) -> None:
    """Heatmap of article x frame: how many methods assign it (● both, ◐ cue tagger, ◑ classifier)."""
    frames = frame_names()
    symbol = np.select([article_frames["cue_label"] & article_frames["classifier_label"],
                        article_frames["cue_label"], article_frames["classifier_label"]], ["●", "◐", "◑"], "")
    cells = [f"{s}\n{c:.2f}/{p:.2f}" for s, c, p in
             zip(symbol, article_frames["cue_share"], article_frames["classifier_probability"])]
    marked = article_frames.assign(
        cell=cells, both=article_frames["cue_label"].astype(int) + article_frames["classifier_label"].astype(int))
    grid = marked.pivot(index="article_id", columns="frame", values="both")[frames]
    labels = marked.pivot(index="article_id", columns="frame", values="cell")[frames]
    grid.columns = labels.columns = [short_name(f) for f in frames]
    plotting.heatmap(ax, grid, labels=labels, cmap="YlGnBu", vmin=0, vmax=2.6,
                     colorbar_label="methods assigning the frame (0, 1, 2)")
    ax.set_title("Article frames: cue tagger (share) / classifier (probability)")


def quality_table(recorded: dict, systems: dict[str, str]) -> pd.DataFrame:
    """One row per evaluated system: micro- and macro-F1 and per-frame F1 (short frame names)."""
    return pd.DataFrame([
        {"system": label, "micro_f1": recorded[key]["micro_f1"], "macro_f1": recorded[key]["macro_f1"],
         **{short_name(frame): value for frame, value in recorded[key]["per_frame_f1"].items()}}
        for key, label in systems.items() if key in recorded
    ])
