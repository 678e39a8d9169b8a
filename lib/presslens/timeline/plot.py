"""Figures of the timeline notebook: outlet lanes on a time axis, and how far back each outlet reaches."""

from __future__ import annotations

import textwrap
from datetime import date, timedelta

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd

from presslens import plotting
from presslens.timeline.merge import midpoint

CONFLICT_COLOUR = "#D55E00"
#: Events longer than this are drawn as a bar over their interval, shorter ones as a point.
POINT_DAYS = 40
LABEL_CHARS = 34


def episodes(events: pd.DataFrame, gap_days: int = 150, lookback_years: float = 3.0) -> list[tuple[date, date]]:
    """Time windows holding the short dated events, split where nothing happens for ``gap_days``.

    Only events from ``lookback_years`` before the first publication on are placed; the rest are counted.
    """
    published = pd.to_datetime(events["published"], format="mixed", errors="coerce").dropna()
    since = published.min().date() - timedelta(days=round(365.25 * lookback_years)) if len(published) else date.min
    days = sorted(midpoint(s, e) for s, e in zip(events["start_date"], events["end_date"])
                  if (date.fromisoformat(e) - date.fromisoformat(s)).days <= POINT_DAYS and date.fromisoformat(s) >= since)
    groups: list[list[date]] = []
    for day in days:
        if groups and (day - groups[-1][-1]).days <= gap_days:
            groups[-1].append(day)
        else:
            groups.append([day])
    windows = []
    for group in groups:
        pad = timedelta(days=max(20, (group[-1] - group[0]).days // 8))
        windows.append((group[0] - pad, group[-1] + pad))
    return windows


def panel_widths(windows: list[tuple[date, date]]) -> list[float]:
    """Relative panel widths: longer episodes get more room, short ones stay readable."""
    return [max((high - low).days, 45) ** 0.5 for low, high in windows]


def _label(text: str) -> str:
    """A short two-line label for an event phrase."""
    return "\n".join(textwrap.wrap(textwrap.shorten(text, LABEL_CHARS * 2, placeholder="…"), LABEL_CHARS)[:2])


def draw_timeline(axes: "object", windows: list[tuple[date, date]], events: pd.DataFrame,
                  timeline: pd.DataFrame, conflicts: pd.DataFrame) -> int:
    """One panel per episode: outlet lanes, a marker per dated event numbered by its timeline entry,
    lanes joined where outlets report the same entry, conflicts in vermilion with the main entries labelled.

    Returns how many events fall outside every panel.
    """
    axes = list(axes.flat) if hasattr(axes, "flat") else [axes]
    outlets = sorted(events["outlet"].unique())
    lane = {outlet: i for i, outlet in enumerate(outlets)}
    colours = plotting.outlet_colours(outlets)
    conflicted = set(conflicts["event_id_a"]) | set(conflicts["event_id_b"]) if len(conflicts) else set()
    placed: set[str] = set()
    for ax, (low, high) in zip(axes, windows):
        inside = events[[date.fromisoformat(s) <= high and date.fromisoformat(e) >= low
                         for s, e in zip(events["start_date"], events["end_date"])]]
        placed |= set(inside["event_id"])
        for event in inside.itertuples():
            _draw_event(ax, event, lane[event.outlet], colours[event.outlet], event.event_id in conflicted, low, high)
        _link_entries(ax, inside, lane)
        _link_conflicts(ax, conflicts, lane, low, high)
        _label_entries(ax, inside, timeline, lane)
        ax.set_xlim(low, high)
        short_panel = (high - low).days < 120
        ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=2, maxticks=4))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b\n%Y" if short_panel else "%b\n%Y"))
    axes[0].set_yticks(range(len(outlets)), outlets)
    axes[0].set_ylim(-0.8, len(outlets) - 0.2)
    return int((~events["event_id"].isin(placed)).sum())


def _draw_event(ax: plt.Axes, event: object, y: int, colour: str, conflict: bool, low: date, high: date) -> None:
    """A point for a day or month, a pale bar for a longer period; a vermilion ring marks a conflict."""
    first, last = date.fromisoformat(event.start_date), date.fromisoformat(event.end_date)
    if (last - first).days > POINT_DAYS:
        ax.plot([max(first, low), min(last, high)], [y, y], color=colour, linewidth=5, alpha=0.3, solid_capstyle="butt")
        return
    ax.scatter([midpoint(event.start_date, event.end_date)], [y], s=70, color=colour, zorder=3,
               edgecolors=CONFLICT_COLOUR if conflict else "white", linewidths=2.2 if conflict else 0.6)


def _link_entries(ax: plt.Axes, shown: pd.DataFrame, lane: dict[str, int]) -> None:
    """A grey vertical line joining the lanes of outlets that report the same timeline entry."""
    for _, part in shown.groupby("entry_id"):
        if part["outlet"].nunique() < 2:
            continue
        day = midpoint(part["start_date"].max(), part["end_date"].min())
        lanes = sorted(lane[o] for o in part["outlet"].unique())
        ax.plot([day, day], [lanes[0], lanes[-1]], color="#555555", linewidth=1.4, zorder=2)


def _link_conflicts(ax: plt.Axes, conflicts: pd.DataFrame, lane: dict[str, int], low: date, high: date) -> None:
    """A dashed vermilion line between the two versions of a conflicting event (when both are in the panel)."""
    for row in conflicts.itertuples():
        ends = [midpoint(row.start_date_a, row.end_date_a), midpoint(row.start_date_b, row.end_date_b)]
        if all(low <= end <= high for end in ends):
            ax.plot(ends, [lane[row.outlet_a], lane[row.outlet_b]], color=CONFLICT_COLOUR, linestyle="--",
                    linewidth=1.5, zorder=2)


def _label_entries(ax: plt.Axes, shown: pd.DataFrame, timeline: pd.DataFrame, lane: dict[str, int]) -> None:
    """Number every point by its entry; spell out entries several outlets report or that conflict."""
    short = shown[[(date.fromisoformat(e) - date.fromisoformat(s)).days <= POINT_DAYS
                   for s, e in zip(shown["start_date"], shown["end_date"])]]
    entries = timeline.set_index("entry_id")
    for k, event in enumerate(short.sort_values("start_date").itertuples()):
        entry = entries.loc[event.entry_id]
        day = midpoint(event.start_date, event.end_date)
        ax.annotate(event.entry_id.lstrip("T0"), (day, lane[event.outlet]), xytext=(0, 7 if k % 2 == 0 else -13),
                    textcoords="offset points", ha="center", fontsize=6, color="#444444")
    for entry_id, part in short.groupby("entry_id"):
        entry = entries.loc[entry_id]
        if entry["n_outlets"] < 2 and not entry["conflict"]:
            continue
        top = max(lane[o] for o in part["outlet"])
        ax.annotate(_label(entry["event"]), (midpoint(entry["start_date"], entry["end_date"]), top),
                    xytext=(-8, 12), textcoords="offset points", ha="right", va="bottom", fontsize=7,
                    color=CONFLICT_COLOUR if entry["conflict"] else "#222222",
                    arrowprops={"arrowstyle": "-", "color": "#999999", "linewidth": 0.6})


def draw_context_depth(ax: plt.Axes, events: pd.DataFrame) -> None:
    """Per outlet, every dated event's distance before publication (years), with the median marked."""
    dated = events.dropna(subset=["days_before_publication"])
    outlets = sorted(dated["outlet"].unique())
    colours = plotting.outlet_colours(outlets)
    for i, outlet in enumerate(outlets):
        years = dated.loc[dated["outlet"] == outlet, "days_before_publication"] / 365.25
        ax.scatter(years, [i] * len(years), color=colours[outlet], alpha=0.7, s=28)
        ax.plot([years.median()] * 2, [i - 0.3, i + 0.3], color="#222222", linewidth=2)
    ax.set_yticks(range(len(outlets)), outlets)
    ax.axvline(0, color="#999999", linewidth=0.8)
    ax.set_xlabel("years before publication (black bar: median; negative: after publication)")
