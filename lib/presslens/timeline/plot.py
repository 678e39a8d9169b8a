"""Figures of the timeline notebook: outlet lanes on a time axis, and how far back each outlet reaches."""

from __future__ import annotations

import textwrap
from datetime import date, timedelta

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
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


def span_words(start: str, end: str) -> str:
    """A date span as a reader writes it: "4 Feb 2020", "4–5 Feb 2020", "Feb 2018", "2016", "Jun–Aug 2016"."""
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    if first == last:
        return f"{first.day} {first:%b %Y}"
    if first.day != 1 or (last + timedelta(days=1)).day != 1:
        if (first.year, first.month) == (last.year, last.month):
            return f"{first.day}–{last.day} {last:%b %Y}"
        return f"{first.day} {first:%b} – {last.day} {last:%b %Y}" if first.year == last.year \
            else f"{first.day} {first:%b %Y} – {last.day} {last:%b %Y}"
    if (first.month, last.month) == (1, 12):
        return str(first.year) if first.year == last.year else f"{first.year}–{last.year}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first:%b %Y}"
    return f"{first:%b}–{last:%b %Y}" if first.year == last.year else f"{first:%b %Y} – {last:%b %Y}"


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
    """Per outlet (those with the most articles), every dated event's distance before publication (years), with
    the median marked."""
    dated = events.dropna(subset=["days_before_publication"])
    sizes = dated.groupby("outlet")["article_id"].nunique()
    outlets = sorted(plotting.largest_outlets(sizes))
    colours = plotting.outlet_colours(outlets)
    for i, outlet in enumerate(outlets):
        years = dated.loc[dated["outlet"] == outlet, "days_before_publication"] / 365.25
        ax.scatter(years, [i] * len(years), color=colours[outlet], alpha=0.7, s=28)
        ax.plot([years.median()] * 2, [i - 0.3, i + 0.3], color="#222222", linewidth=2)
    ax.set_yticks(range(len(outlets)), outlets)
    ax.axvline(0, color="#999999", linewidth=0.8)
    ax.set_xlabel("years before publication (black bar: median; negative: after publication)")
    ax.set_title("How far back each outlet reaches" + plotting.outlets_shown(len(outlets), len(sizes)))


# ------------------------------------------------------------------------------------ any corpus size
#: Up to this many timeline entries the figure labels every entry in outlet lanes; beyond it, density strips.
MAX_LABELLED_ENTRIES = 40
#: Density strips: at most this many outlet lanes (the rest are pooled into one lane).
MAX_LANES = 20
#: Density strips: conflicts drawn in the small multiple (the most similar first).
MAX_CONFLICT_ROWS = 12
#: Density strips: rows the labels of the top entries are stacked on.
LABEL_ROWS = 4
FIGURE_WIDTH = 11.0


def in_view(events: pd.DataFrame, lookback_years: float) -> pd.Series:
    """Which events lie from ``lookback_years`` before the first publication to a year after the last one."""
    published = pd.to_datetime(events["published"], format="mixed", errors="coerce").dropna()
    if published.empty:
        return pd.Series(True, index=events.index)
    low = (published.min() - pd.Timedelta(days=round(365.25 * lookback_years))).date().isoformat()
    high = (published.max() + pd.Timedelta(days=366)).date().isoformat()
    return (events["start_date"] >= low) & (events["end_date"] <= high)


def lane_outlets(events: pd.DataFrame, max_lanes: int = MAX_LANES) -> dict[str, str]:
    """Outlet -> its lane: the outlets with most articles keep their own lane, the rest share "other outlets"."""
    counts = events.groupby("outlet")["article_id"].nunique().sort_values(ascending=False, kind="stable")
    if len(counts) <= max_lanes:
        return {outlet: outlet for outlet in counts.index}
    kept = set(counts.index[:max_lanes - 1])
    pooled = f"{len(counts) - len(kept)} other outlets"
    return {outlet: outlet if outlet in kept else pooled for outlet in counts.index}


def top_entries(timeline: pd.DataFrame, k: int) -> pd.DataFrame:
    """The k timeline entries reported by most outlets (then most articles), in date order."""
    ranked = timeline.sort_values(["n_outlets", "n_articles", "entry_id"], ascending=[False, False, True],
                                  kind="stable")
    return ranked.head(k).sort_values("start_date")


def timeline_figure(events: pd.DataFrame, timeline: pd.DataFrame, conflicts: pd.DataFrame, *,
                    gap_days: int = 150, lookback_years: float = 3.0, top_k: int = 12) -> tuple[plt.Figure, int]:
    """The timeline figure for a corpus of any size, and how many dated events lie outside it.

    Up to ``MAX_LABELLED_ENTRIES`` entries: labelled outlet lanes per episode. Beyond: per-outlet density strips with
    labels for the ``top_k`` entries most outlets report, and the conflicts as a separate small multiple.
    """
    with plt.style.context(plotting.STYLE):
        if len(timeline) <= MAX_LABELLED_ENTRIES:
            windows = episodes(events, gap_days=gap_days, lookback_years=lookback_years)
            if windows:
                n_lanes = events["outlet"].nunique()
                fig, axes = plt.subplots(1, len(windows), figsize=(FIGURE_WIDTH, 0.55 * n_lanes + 2), sharey=True,
                                         gridspec_kw={"width_ratios": panel_widths(windows)}, squeeze=False)
                left_out = draw_timeline(axes, windows, events, timeline, conflicts)
                fig.suptitle("Dated events by outlet (numbers: timeline entries; grey line: same entry; "
                             "vermilion: conflict)")
                fig.tight_layout()
                drop_overlapping_labels(fig)
                return fig, left_out
        return density_figure(events, timeline, conflicts, lookback_years=lookback_years, top_k=top_k)


def density_figure(events: pd.DataFrame, timeline: pd.DataFrame, conflicts: pd.DataFrame, *,
                   lookback_years: float = 3.0, top_k: int = 12) -> tuple[plt.Figure, int]:
    """Labels of the top entries, per-outlet density strips (events per week or month) and a conflicts panel."""
    shown = events[in_view(events, lookback_years)] if len(events) else events
    lanes = lane_outlets(shown) if len(shown) else {}
    names = list(dict.fromkeys(lanes.values()))
    n_conflicts = min(len(conflicts), MAX_CONFLICT_ROWS)
    heights = [2.2, 0.32 * max(len(names), 1) + 0.6] + ([0.3 * n_conflicts + 0.8] if n_conflicts else [])
    fig, axes = plt.subplots(len(heights), 1, figsize=(FIGURE_WIDTH, sum(heights) + 0.6),
                             gridspec_kw={"height_ratios": heights}, squeeze=False)
    axes = axes[:, 0]
    if len(shown):
        low, high = _view_range(shown)
        _draw_strips(axes[1], shown, lanes, names, low, high)
        _draw_top_labels(axes[0], top_entries(timeline[timeline["entry_id"].isin(set(shown["entry_id"]))], top_k),
                         low, high)
        axes[0].set_xlim(axes[1].get_xlim())
    axes[0].set_title(f"The {top_k} events most outlets report (of {len(timeline):,} timeline entries)", loc="left")
    if n_conflicts:
        _draw_conflict_panel(axes[2], conflicts.sort_values("similarity", ascending=False).head(MAX_CONFLICT_ROWS))
    fig.tight_layout()
    stack_labels(axes[0])
    drop_overlapping_labels(fig)
    for text, stem in zip(axes[0].texts, axes[0].lines):  # a stem only with its label
        stem.set_visible(text.get_visible())
    labelled = sum(text.get_visible() for text in axes[0].texts)
    if labelled < len(axes[0].texts):
        axes[0].set_title(f"The {labelled} events most outlets report that fit without overlap (of the top "
                          f"{len(axes[0].texts)}; {len(timeline):,} timeline entries)", loc="left")
    return fig, int(len(events) - len(shown))


def _view_range(events: pd.DataFrame) -> tuple[date, date]:
    """First and last day of the events shown, padded a little."""
    low = date.fromisoformat(events["start_date"].min())
    high = date.fromisoformat(events["end_date"].max())
    pad = timedelta(days=max(7, (high - low).days // 40))
    return low - pad, high + pad


def _draw_strips(ax: plt.Axes, events: pd.DataFrame, lanes: dict[str, str], names: list[str], low: date,
                 high: date) -> None:
    """One strip per lane: how many dated events fall in each week (month, for spans over three years)."""
    frequency = "W" if (high - low).days <= 3 * 365 else "MS"
    edges = pd.date_range(pd.Timestamp(low), pd.Timestamp(high) + pd.Timedelta(days=31), freq=frequency)
    days = np.array([midpoint(s, e).toordinal() for s, e in zip(events["start_date"], events["end_date"])])
    bins = np.array([edge.date().toordinal() for edge in edges])
    lane_of = events["outlet"].map(lanes).to_numpy()
    grid = np.zeros((len(names), len(edges) - 1))
    for row, name in enumerate(names):
        grid[row], _ = np.histogram(days[lane_of == name], bins=bins)
    mesh = ax.pcolormesh(edges, np.arange(len(names) + 1) - 0.5, np.ma.masked_equal(grid, 0), cmap=plotting.SEQUENTIAL,
                         shading="flat")
    ax.set_yticks(range(len(names)), names, fontsize=7)
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.grid(False)
    ax.set_xlim(pd.Timestamp(low), pd.Timestamp(high))
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=9))
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    plt.colorbar(mesh, ax=ax, pad=0.01, fraction=0.03).ax.tick_params(labelsize=7)
    ax.set_title(f"Dated events per {'week' if frequency == 'W' else 'month'}, by outlet (brighter: more)", loc="left")


def _draw_top_labels(ax: plt.Axes, entries: pd.DataFrame, low: date, high: date) -> None:
    """A stem and a label per top entry at its date (the event, then its dates and outlets), running leftwards in
    the last 40% of the axis (rows are assigned after layout by :func:`stack_labels`)."""
    ax.set_ylim(0, LABEL_ROWS + 0.6)
    ax.set_yticks([])
    ax.grid(False)
    ax.spines["left"].set_visible(False)
    for entry in entries.itertuples():
        day = pd.Timestamp(midpoint(entry.start_date, entry.end_date))
        colour = CONFLICT_COLOUR if entry.conflict else "#777777"
        ax.plot([day, day], [0, 0.6], color=colour, linewidth=0.8)
        late = day > pd.Timestamp(low) + 0.6 * (pd.Timestamp(high) - pd.Timestamp(low))
        label = (f"{textwrap.shorten(entry.event, LABEL_CHARS, placeholder='…')}\n"
                 f"{span_words(entry.start_date, entry.end_date)} · {entry.n_outlets} outlets")
        ax.text(day, 0.65, label, fontsize=7,
                ha="right" if late else "left", va="bottom", color=CONFLICT_COLOUR if entry.conflict else "#222222",
                clip_on=True)
    ax.set_xlim(pd.Timestamp(low), pd.Timestamp(high))
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=9))
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))


def stack_labels(ax: plt.Axes, gap_px: float = 9) -> None:
    """Put each stem label (in date order) on the lowest of ``LABEL_ROWS`` rows where it overlaps no other label and
    stays inside the axes, raising its stem to it; a label that fits nowhere is hidden with its stem. Text is
    measured at the resolution the figure is saved at (text widths do not scale exactly with it)."""
    shown_dpi = ax.figure.dpi
    ax.figure.set_dpi(plotting.STYLE["savefig.dpi"])
    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    rows: list[list[tuple[float, float]]] = [[] for _ in range(LABEL_ROWS)]
    for text, stem in sorted(zip(ax.texts, ax.lines), key=lambda pair: pair[1].get_xdata()[0]):
        for row, taken in enumerate(rows):
            level = 0.6 + row
            text.set_y(level + 0.05)
            box = text.get_window_extent(renderer)
            inside = box.x0 >= frame.x0 - 1 and box.x1 <= frame.x1 + 1
            if inside and not any(box.x0 < right + gap_px and left < box.x1 + gap_px for left, right in taken):
                taken.append((box.x0, box.x1))
                stem.set_ydata([0, level])
                break
        else:
            text.set_visible(False)
            stem.set_visible(False)
    ax.figure.set_dpi(shown_dpi)


def _draw_conflict_panel(ax: plt.Axes, conflicts: pd.DataFrame) -> None:
    """One row per conflict: the two dates joined by a line, labelled by outlet pair and event type."""
    labels = []
    for row, conflict in enumerate(conflicts.itertuples()):
        ends = [pd.Timestamp(midpoint(conflict.start_date_a, conflict.end_date_a)),
                pd.Timestamp(midpoint(conflict.start_date_b, conflict.end_date_b))]
        ax.plot(ends, [row, row], color=CONFLICT_COLOUR, linewidth=1.2)
        ax.scatter(ends, [row, row], color=CONFLICT_COLOUR, s=18, zorder=3)
        labels.append(textwrap.shorten(f"{conflict.outlet_a} vs {conflict.outlet_b}: {conflict.event_phrase_a}", 60,
                                       placeholder="…"))
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=7))
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    ax.set_title("Conflicts: the same event with incompatible dates (the most similar pairs)", loc="left")


def visible_texts(fig: plt.Figure) -> list[plt.Text]:
    """Every visible, non-empty text of a figure: titles, tick labels, annotations."""
    found = [t for t in fig.findobj(plt.Text) if t.get_visible() and t.get_text().strip()]
    return list(dict.fromkeys(found))


def drop_overlapping_labels(fig: plt.Figure) -> int:
    """Hide placed labels (texts and annotations in axes) that overlap an earlier text; returns how many."""
    renderer = fig.canvas.get_renderer()
    kept = [t.get_window_extent(renderer) for t in visible_texts(fig)
            if not any(t in ax.texts for ax in fig.axes)]
    dropped = 0
    for ax in fig.axes:
        for text in ax.texts:
            if not text.get_visible() or not text.get_text().strip():
                continue
            box = text.get_window_extent(renderer)
            if any(box.overlaps(other) for other in kept) or not _inside(box, ax.get_window_extent(renderer)):
                text.set_visible(False)
                dropped += 1
            else:
                kept.append(box)
    return dropped


def _inside(box: "object", frame: "object") -> bool:
    """Whether a text box lies horizontally within its axes (a label running off the right edge is cut)."""
    return box.x0 >= frame.x0 - 1 and box.x1 <= frame.x1 + 1
