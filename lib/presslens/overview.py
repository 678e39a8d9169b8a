"""The corpus overview of notebook 00: who published what when, how long, and what cleaning removed."""

from __future__ import annotations

import html

import matplotlib.pyplot as plt
import pandas as pd

from presslens.clean import clean_article
from presslens.plotting import PALETTE, largest_outlets, outlet_colours, outlets_shown

#: Above this many outlets (or articles) the figures switch from one mark per item to aggregates.
MAX_LANES = 25
PUBLISHED_TITLE = "When each article was published"


def outlet_table(articles: pd.DataFrame) -> pd.DataFrame:
    """Articles per outlet with its country and kind, and the span of its publication dates."""
    grouped = articles.groupby(["outlet", "outlet_country", "outlet_kind"], dropna=False, sort=True)
    table = grouped.agg(articles=("id", "size"), first_published=("published", "min"),
                        last_published=("published", "max"))
    return table.reset_index()


def country_table(articles: pd.DataFrame) -> pd.DataFrame:
    """Articles and outlets per outlet country."""
    table = articles.groupby("outlet_country", sort=True).agg(outlets=("outlet", "nunique"), articles=("id", "size"))
    return table.reset_index()


def length_table(articles: pd.DataFrame) -> pd.DataFrame:
    """Per article: raw and cleaned characters, words, sentences, paragraphs and headings (from the store)."""
    rows = []
    for article in articles.itertuples():
        kinds = [kind for _, _, kind in article.paragraphs]
        rows.append({
            "id": article.id, "outlet": article.outlet,
            "raw_chars": len(article.text), "clean_chars": len(article.clean_text),
            "words": int(article.words), "sentences": int(article.sentences),
            "paragraphs": kinds.count("body") + kinds.count("lede"), "headings": kinds.count("heading"),
        })
    return pd.DataFrame(rows)


def removal_table(removals: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Removed pieces and characters per article and cleaning rule (articles with none included)."""
    counted = removals.assign(chars=removals["raw_end"] - removals["raw_start"])
    table = counted.groupby(["article_id", "rule"], sort=True).agg(pieces=("rule", "size"), chars=("chars", "sum"))
    table = table.reset_index()
    untouched = sorted(set(articles["id"]) - set(table["article_id"]))
    none = pd.DataFrame({"article_id": untouched, "rule": "(nothing removed)", "pieces": 0, "chars": 0})
    return pd.concat([table, none], ignore_index=True).sort_values(["article_id", "rule"], ignore_index=True)


def plot_articles_per_outlet(ax: plt.Axes, outlets: pd.DataFrame) -> None:
    """Horizontal bars of articles per outlet (those with the most articles), with the outlet country where known;
    the title says which outlets are drawn."""
    sizes = outlets.groupby("outlet")["articles"].sum()
    ordered = outlets[outlets["outlet"].isin(largest_outlets(sizes))].sort_values("outlet", ascending=False)
    countries = outlets["outlet_country"].fillna("").astype(str) if "outlet_country" in outlets else pd.Series("")
    known = (countries != "").any()
    labels = [f"{row.outlet} ({row.outlet_country or 'country unknown'})" if known else row.outlet
              for row in ordered.itertuples()]
    colours = outlet_colours(outlets["outlet"])
    ax.barh(labels, ordered["articles"], color=[colours[o] for o in ordered["outlet"]])
    ax.set_xlabel("articles")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_title("Articles per outlet" + (" (outlet country)" if known else "")
                 + outlets_shown(ordered["outlet"].nunique(), len(sizes)))


def plot_publication_dates(ax: plt.Axes, articles: pd.DataFrame) -> None:
    """Publication periods per outlet lane (dot: a known day; bar: a month or year); monthly counts when large."""
    if articles["outlet"].nunique() > MAX_LANES:
        plot_monthly_counts(ax, articles)
        return
    colours = outlet_colours(articles["outlet"])
    outlets = sorted(articles["outlet"].unique())
    dated = articles[articles["published"] != ""]
    for article in dated.itertuples():
        period = pd.Period(article.published)
        lane = outlets.index(article.outlet)
        if article.date_precision == "day":
            ax.plot(period.start_time, lane, "o", color=colours[article.outlet], markersize=7)
        else:
            ax.plot([period.start_time, period.end_time], [lane, lane], "-", color=colours[article.outlet],
                    linewidth=6, solid_capstyle="butt", alpha=0.8)
    ax.set_yticks(range(len(outlets)), outlets)
    ax.set_ylim(-0.7, len(outlets) - 0.3)
    ax.set_xlabel("publication date (dot: day known; bar: only the month or year is known)")
    undated = len(articles) - len(dated)
    ax.set_title(PUBLISHED_TITLE + (f"\n{undated} article(s) without a known date are not shown" if undated else ""))


def plot_monthly_counts(ax: plt.Axes, articles: pd.DataFrame) -> None:
    """Articles per publication month (articles known only to the year are left out and counted)."""
    monthly = articles[articles["date_precision"].isin(["day", "month"])]
    counts = monthly["published"].str[:7].value_counts().sort_index()
    ax.bar(pd.to_datetime(counts.index), counts.to_numpy(), width=25, color=PALETTE[0])
    ax.set_ylabel("articles per month")
    left_out = len(articles) - len(monthly)
    ax.set_title(PUBLISHED_TITLE + (f"\n{left_out} article(s) without a known month are not shown" if left_out
                                    else ""))


def plot_lengths(ax: plt.Axes, lengths: pd.DataFrame) -> None:
    """Words per article after cleaning: one bar per article coloured by outlet, or a histogram when large."""
    if len(lengths) > MAX_LANES:
        ax.hist(lengths["words"], bins=50, color=PALETTE[0])
        ax.set_xlabel("words in the cleaned text")
        ax.set_ylabel("articles")
        return
    colours = outlet_colours(lengths["outlet"])
    ordered = lengths.sort_values(["outlet", "id"], ascending=False)
    ax.barh(ordered["id"], ordered["words"], color=[colours[o] for o in ordered["outlet"]])
    ax.set_xlabel("words in the cleaned text")


def side_by_side(article: pd.Series, removals: pd.DataFrame, max_chars: int = 1500) -> str:
    """HTML with the raw text (removed pieces struck through, named by rule) beside the cleaned text.

    For HTML input the removals refer to the text trafilatura extracted, so that text is shown as "raw".
    """
    source = clean_article(article).source if article["source_format"] == "html" else None
    raw = (source or article["text"])[:max_chars]
    spans = removals[(removals["article_id"] == article["id"]) & (removals["raw_start"] < max_chars)]
    parts, cursor = [], 0
    for removal in spans.sort_values("raw_start").itertuples():
        parts.append(html.escape(raw[cursor:removal.raw_start]))
        parts.append(f'<del title="{html.escape(removal.rule)}" style="background:#fbe3d6">'
                     f'{html.escape(raw[removal.raw_start:min(removal.raw_end, max_chars)])}</del>'
                     f'<sup style="color:#D55E00">[{html.escape(removal.rule)}]</sup>')
        cursor = max(cursor, removal.raw_end)
    parts.append(html.escape(raw[cursor:]))
    cell = 'style="vertical-align:top;white-space:pre-wrap;font-size:0.8em;width:50%;text-align:left"'
    return (f"<table><tr><th>raw ({html.escape(article['file'] or article['id'])})</th><th>cleaned</th></tr>"
            f"<tr><td {cell}>{''.join(parts)}…</td>"
            f"<td {cell}>{html.escape(article['clean_text'][:max_chars])}…</td></tr></table>")
