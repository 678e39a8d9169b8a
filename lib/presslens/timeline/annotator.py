"""The timeline annotator: each article's temporal expressions and the events they date (Doc -> records)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from presslens.registry import Annotator, annotators
from presslens.timeline.events import extract_events
from presslens.timeline.timex import LEXICON_FILE, extract_timex

#: Bump when timex or event extraction changes what the records hold.
VERSION = "6"


def timex_record(timex: Any) -> dict[str, Any]:
    """A timexes-table row (the token index is internal to the Doc and dropped)."""
    record = asdict(timex)
    record.pop("root_i", None)
    return record


def event_record(event: Any) -> dict[str, Any]:
    """An events-table row, list fields joined with "; "."""
    record = asdict(event)
    for name in ("entities", "key_terms", "event_heads"):
        record[name] = "; ".join(getattr(event, name))
    return record


def annotate_timeline(docs: Sequence[Any], metas: Sequence[dict[str, Any]], shared: dict[str, Any]
                      ) -> dict[str, list[dict[str, Any]]]:
    """Timex and event rows of every Doc, dated against the article's publication date and its precision."""
    timexes, events = [], []
    for doc, meta in zip(docs, metas):
        doc._.article_id = meta["id"]
        found = extract_timex(doc, meta["published"] or None, meta["date_precision"] or None)
        timexes.extend({**timex_record(t), "article_id": meta["id"]} for t in found)
        events.extend({**event_record(e), "article_id": meta["id"]} for e in extract_events(doc, found))
    return {"timexes": timexes, "events": events}


annotators.register("timeline", func=Annotator(
    name="timeline", version=VERSION, tables=("timexes", "events"), annotate=annotate_timeline,
    config_files=(LEXICON_FILE,)))
