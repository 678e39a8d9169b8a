"""The findings page: each outlet across all analyses, read from a run's ``tables/*.csv``.

A *finding* is a difference that a test over articles supports: the analyses' own tests for frames
(``frames_differences``) and stance (``stance_outlet_differences``), both with false-discovery-rate control, and
non-overlapping 95% intervals resting on at least ``stats.MIN_N`` articles for the share of evaluative reporting
verbs. Everything else (an outlet's leading frames and actors, whom it quotes, its timeline conflicts) is shown
as *description*, with its n and interval.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import pandas as pd

from presslens import stats

TEMPLATE = Path(__file__).parent / "resources" / "findings.html.j2"
#: How many frames, speakers and conflicts each outlet's section lists.
TOP = 3
MAX_CONFLICTS = 5
#: Adjusted p-values below this make a tested difference a finding.
ALPHA = 0.05
#: The tests every finding passes, in words (shown on the page).
TEST_RULE = ("A difference is stated only when a test over articles supports it, each outlet against the other "
             "outlets' articles: frames by Mann-Whitney U, stance toward an actor by a permutation test (Welch's "
             f"t-test from 30 articles on each side); both with Benjamini-Hochberg adjusted p < {ALPHA} and a "
             "bootstrap interval of the difference that excludes 0. For evaluative reporting verbs, two outlets differ "
             f"when both 95% intervals (articles resampled) rest on at least {stats.MIN_N} articles and do not "
             "overlap. Everything else is description.")


@dataclass
class Line:
    """One statement about an outlet: its text, n, interval and a link to the evidence."""

    text: str
    n: str
    interval: str
    link: str


@dataclass
class OutletSection:
    """Everything the findings page says about one outlet."""

    outlet: str
    articles: int
    anchor: int
    findings: list[Line] = field(default_factory=list)
    frames: list[Line] = field(default_factory=list)
    stance: list[Line] = field(default_factory=list)
    voices: list[Line] = field(default_factory=list)
    conflicts: list[Line] = field(default_factory=list)
    #: What each empty part says: nothing found, or the analysis did not run in this report.
    empty: dict[str, str] = field(default_factory=dict)


def read_table(run_dir: Path, name: str) -> pd.DataFrame:
    """A run's ``tables/<name>.csv``, or an empty frame when that analysis did not run."""
    path = run_dir / "tables" / f"{name}.csv"
    return pd.read_csv(path, keep_default_na=False, na_values=[""]) if path.exists() else pd.DataFrame()


def interval(low: float, high: float, digits: int = 2) -> str:
    """A 95% interval as text ("[0.12, 0.40]"), or "–" when it is undefined."""
    return "–" if pd.isna(low) or pd.isna(high) else f"[{low:.{digits}f}, {high:.{digits}f}]"


def supported(row: pd.Series, n_column: str, articles_column: str | None) -> bool:
    """Whether a table row has enough observations (and articles) to enter a comparison."""
    enough_articles = articles_column is None or row.get(articles_column, 0) >= stats.MIN_N
    return bool(row[n_column] >= stats.MIN_N and enough_articles and not _flag(row.get("small_n", False))
                and pd.notna(row["ci_low"]) and pd.notna(row["ci_high"]))


def _flag(value: object) -> bool:
    """A small_n cell read from CSV as a bool."""
    return str(value).strip().lower() in {"true", "1"}


def differences(table: pd.DataFrame, by: list[str], value: str, n_column: str, articles_column: str | None,
                describe: str, link: str) -> dict[str, list[Line]]:
    """Per outlet: the pairs within each ``by`` group whose intervals do not overlap (both supported)."""
    found: dict[str, list[Line]] = {}
    if table.empty:
        return found
    for keys, group in table.groupby(by, sort=True):
        rows = [row for _, row in group.iterrows() if supported(row, n_column, articles_column)]
        for high in rows:
            for low in rows:
                if high["outlet"] == low["outlet"] or high["ci_low"] <= low["ci_high"]:
                    continue
                subject = describe.format(*(keys if isinstance(keys, tuple) else (keys,)))
                text = (f"{subject}: higher than {low['outlet']} ({high[value]:.2f} against {low[value]:.2f})")
                found.setdefault(high["outlet"], []).append(Line(
                    text, _pair_n(high, low, n_column, articles_column),
                    f"{interval(high['ci_low'], high['ci_high'])} vs {interval(low['ci_low'], low['ci_high'])}", link))
                found.setdefault(low["outlet"], []).append(Line(
                    f"{subject}: lower than {high['outlet']} ({low[value]:.2f} against {high[value]:.2f})",
                    _pair_n(low, high, n_column, articles_column),
                    f"{interval(low['ci_low'], low['ci_high'])} vs {interval(high['ci_low'], high['ci_high'])}", link))
    return found


def _pair_n(first: pd.Series, second: pd.Series, n_column: str, articles_column: str | None) -> str:
    """The n of two compared rows: their articles (the unit) and what was counted in them."""
    counted = f"{int(first[n_column])} vs {int(second[n_column])}"
    if articles_column is None:
        return counted
    return f"{int(first[articles_column])} vs {int(second[articles_column])} articles ({counted} attributions)"


def frame_measure(profile: pd.DataFrame) -> str:
    """The profile's article-level frame measure: the classifier's probability, else the cue share."""
    return "classifier_probability" if "classifier_probability" in profile else "cue_share"


def frame_lines(profile: pd.DataFrame, outlet: str) -> list[Line]:
    """An outlet's leading frames by the mean of the article-level measure, with n and interval (description)."""
    measure = frame_measure(profile)
    words = "mean classifier probability" if measure == "classifier_probability" else "mean share of cue sentences"
    rows = profile[profile["outlet"] == outlet].sort_values(measure, ascending=False).head(TOP)
    return [Line(f"{row['frame'].replace('_', ' ')}: {words} {row[measure]:.2f}", f"{row['n_articles']} article(s)",
                 interval(row[f"{measure}_ci_low"], row[f"{measure}_ci_high"]), "html/01-framing.html")
            for _, row in rows.iterrows() if row[measure] > 0]


def frame_findings(differences: pd.DataFrame) -> dict[str, list[Line]]:
    """Per outlet: the frames it carries more or less than the other outlets, where the test supports it."""
    found: dict[str, list[Line]] = {}
    if differences.empty:
        return found
    for row in differences[differences["supported"].map(_flag)].itertuples():
        found.setdefault(row.outlet, []).append(Line(
            f"carries {row.frame.replace('_', ' ')} {'more' if row.difference > 0 else 'less'} than the other outlets "
            f"(mean {row.mean:.2f} vs {row.mean_rest:.2f}, difference {row.difference:+.2f}; "
            f"adjusted p = {row.p_adjusted:.3g})", f"{row.n_articles} vs {row.n_rest} articles",
            f"{interval(row.ci_low, row.ci_high)} (difference)", "html/01-framing.html"))
    return found


def stance_findings(tests: pd.DataFrame) -> dict[str, list[Line]]:
    """Per outlet: the actors on which it differs from the other outlets, where the test supports it."""
    found: dict[str, list[Line]] = {}
    if tests.empty:
        return found
    for row in tests[tests["supported"].map(_flag)].itertuples():
        side = "more positively" if row.difference > 0 else "more negatively"
        found.setdefault(row.outlet, []).append(Line(
            f"writes {side} about {row.actor} than the other outlets ({row.voice} voice; mean article stance "
            f"{row.mean:+.2f} vs {row.mean_rest:+.2f}; adjusted p = {row.p_adjusted:.3g})",
            f"{row.n_articles} vs {row.n_rest} articles", f"{interval(row.ci_low, row.ci_high)} (difference)",
            "html/02-stance.html"))
    return found


def stance_lines(stance: pd.DataFrame, outlet: str) -> list[Line]:
    """An outlet's own-voice stance toward the actors it covers in most articles (description)."""
    own = stance[(stance["outlet"] == outlet) & (stance["voice"] == "own")]
    return [Line(f"{row.actor}: mean article stance {row.mean:+.2f} (−1 negative, +1 positive)",
                 f"{row.n_articles} article(s), {row.n_mentions} mentions", interval(row.ci_low, row.ci_high),
                 "html/02-stance.html")
            for row in own.sort_values(["n_articles", "actor"], ascending=[False, True]).head(TOP).itertuples()]


def voice_lines(top: pd.DataFrame, voices: pd.DataFrame, kinds: pd.DataFrame, outlet: str) -> list[Line]:
    """Whom an outlet quotes and how: most quoted speakers, largest speaker category, kinds of quote (description)."""
    lines = [Line(f"{row.speaker} ({row.speaker_category}): {row.quotes} attribution(s)", f"{row.n} attributions",
                  "–", "html/03-quotes.html")
             for row in top[top["outlet"] == outlet].head(TOP).itertuples()] if not top.empty else []
    if not voices.empty:
        mine = voices[(voices["outlet"] == outlet) & (voices["count"] > 0)].sort_values("share", ascending=False)
        for row in mine.head(1).itertuples():
            lines.append(Line(f"largest speaker category: {row.speaker_category}, {row.share:.0%} of attributions",
                              _sizes(row), interval(row.ci_low, row.ci_high), "html/03-quotes.html"))
    if not kinds.empty:
        for row in kinds[kinds["outlet"] == outlet].sort_values("kind").itertuples():
            lines.append(Line(f"{row.kind} quotes: {row.share:.0%} of attributions", _sizes(row),
                              interval(row.ci_low, row.ci_high), "html/03-quotes.html"))
    return lines


def _sizes(row: object) -> str:
    """A quotes-table row's n: its articles (when recorded) and attributions."""
    articles = getattr(row, "n_articles", None)
    return f"{row.n} attributions" if articles is None else f"{articles} article(s), {row.n} attributions"


def conflict_lines(conflicts: pd.DataFrame, outlet: str) -> list[Line]:
    """Timeline conflicts that involve an outlet: both dates, with article id and offsets (description)."""
    if conflicts.empty:
        return []
    mine = conflicts[(conflicts["outlet_a"] == outlet) | (conflicts["outlet_b"] == outlet)].head(MAX_CONFLICTS)
    return [Line(f"{row.event_phrase_a} — {row.value_a} ({row.outlet_a}, {row.article_id_a}@{row.start_char_a}) "
                 f"against {row.value_b} ({row.outlet_b}, {row.article_id_b}@{row.start_char_b})",
                 "2 mentions", f"{row.gap_days} days apart", "html/04-timeline.html")
            for row in mine.itertuples()]


def outlet_sections(run_dir: Path) -> list[OutletSection]:
    """One section per outlet of the run, with its findings and descriptions."""
    outlets = read_table(run_dir, "corpus_outlets")
    profile = read_table(run_dir, "frames_outlet_profile")
    stance = read_table(run_dir, "stance_outlet_actor")
    evaluative = read_table(run_dir, "evaluative_share_by_outlet")
    found: dict[str, list[Line]] = {}
    sources = [
        frame_findings(read_table(run_dir, "frames_differences")),
        stance_findings(read_table(run_dir, "stance_outlet_differences")),
        differences(evaluative.assign(group="all"), ["group"], "share", "n", "n_articles",
                    "share of evaluative reporting verbs", "html/03-quotes.html") if not evaluative.empty else {},
    ]
    for source in sources:
        for outlet, lines in source.items():
            found.setdefault(outlet, []).extend(lines)
    top, voices = read_table(run_dir, "top_speakers"), read_table(run_dir, "voices_by_outlet")
    conflicts, kinds = read_table(run_dir, "conflicts"), read_table(run_dir, "kinds_by_outlet")
    ran = {name: (run_dir / "tables" / f"{table}.csv").exists() for name, table in
           (("frames", "frames_outlet_profile"), ("stance", "stance_outlet_actor"), ("voices", "quotes"),
            ("conflicts", "conflicts"))}
    empty = {"findings": "No difference from another outlet is supported at this corpus size.",
             "frames": "No frame cues found.", "stance": "No mentions of a target in the outlet's own voice.",
             "voices": "No attributed speakers found.",
             "conflicts": "No conflicting dates involving this outlet."}
    empty |= {name: "Not available: this analysis did not run in this report." for name, done in ran.items()
              if not done and name in empty}
    return [OutletSection(row.outlet, int(row.articles), anchor, found.get(row.outlet, []),
                          frame_lines(profile, row.outlet) if not profile.empty else [],
                          stance_lines(stance, row.outlet) if not stance.empty else [],
                          voice_lines(top, voices, kinds, row.outlet), conflict_lines(conflicts, row.outlet), empty)
            for anchor, row in enumerate(outlets.itertuples(), start=1)]


def corpus_caveats(run_dir: Path) -> list[str]:
    """Caveats computed from the run's tables: outlets with few articles, rejected records, date precision."""
    outlets, load = read_table(run_dir, "corpus_outlets"), read_table(run_dir, "load_report")
    caveats = []
    if not outlets.empty:
        few = outlets[outlets["articles"] < stats.MIN_N]
        caveats.append(f"{int(outlets['articles'].sum())} articles from {len(outlets)} outlets; {len(few)} outlet(s) "
                       f"have fewer than {stats.MIN_N} articles, so nothing about them can be compared.")
    if not load.empty:
        for status, count in load["status"].value_counts().sort_index().items():
            if status != "loaded":
                caveats.append(f"{count} input record(s) {status.replace('_', ' ')} (see tables/load_report.csv).")
    return caveats


def write_findings(run_dir: Path) -> Path:
    """Write ``findings.html`` into the run folder."""
    template = jinja2.Template(TEMPLATE.read_text(encoding="utf-8"), autoescape=True)
    sections = outlet_sections(run_dir)
    page = template.render(run=run_dir.name, sections=sections, caveats=corpus_caveats(run_dir), rule=TEST_RULE,
                           n_findings=sum(len(s.findings) for s in sections), min_n=stats.MIN_N)
    target = run_dir / "findings.html"
    target.write_text(page, encoding="utf-8")
    return target
