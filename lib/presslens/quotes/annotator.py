"""The quotes annotator: each article's attributions, speakers resolved within the article (Doc -> records)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from presslens import paths
from presslens.quotes.extract import extract_quotes
from presslens.quotes.lexicons import REPORTING_VERBS_FILE, SPEAKER_CATEGORIES_FILE
from presslens.quotes.tables import attribution_row
from presslens.registry import Annotator, annotators

#: Bump when extraction or speaker resolution changes what the records hold.
VERSION = "3"


def annotate_quotes(docs: Sequence[Any], metas: Sequence[dict[str, Any]], shared: dict[str, Any]
                    ) -> dict[str, list[dict[str, Any]]]:
    """Attribution rows of every Doc; the Attribution objects go to ``shared["attributions"]`` for stance."""
    found = shared.setdefault("attributions", {})
    rows = []
    for doc, meta in zip(docs, metas):
        doc._.article_id = meta["id"]
        records = extract_quotes(doc)
        found[meta["id"]] = records
        rows.extend(attribution_row(record) for record in records)
    return {"quotes": rows}


annotators.register("quotes", func=Annotator(
    name="quotes", version=VERSION, tables=("quotes",), annotate=annotate_quotes,
    config_files=(paths.LEXICON_DIR / REPORTING_VERBS_FILE, paths.LEXICON_DIR / SPEAKER_CATEGORIES_FILE)))
