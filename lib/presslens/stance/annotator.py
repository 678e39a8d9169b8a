"""The stance annotator: each article's actor mentions with their voice and scores (Doc -> records).

Every person, organisation, country and group entity is a candidate actor (``find_actor_mentions``); which of
them become the notebook's actors is decided on the corpus, from these records, by ``stance.actors``. Mentions
are scored a batch at a time, so the classifier's encoder batches across the batch's articles; the
quote attributions come from the quotes annotator of the same batch, never extracted a second time.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from presslens.encoder import GRAPH_PATH
from presslens.registry import Annotator, annotators
from presslens.stance.aggregate import METHODS, score_mentions
from presslens.stance.scorers import MODEL_PATH, Scorer, get_scorer
from presslens.stance.targets import TargetSet, find_actor_mentions

#: Bump when mention finding or scoring changes what the records hold.
VERSION = "2"


@lru_cache(maxsize=1)
def _scorers() -> tuple[Scorer, ...]:
    """The scorers of every method, loaded once per process."""
    return tuple(get_scorer(name) for name in METHODS)


def quote_id_at(start_char: int, end_char: int, attributions: Sequence[Any]) -> str:
    """The id of the quote whose content holds the characters ("" when none does)."""
    for attribution in attributions:
        if any(start <= start_char and end_char <= end for start, end in attribution.segments):
            return attribution.quote_id
    return ""


def annotate_stance(docs: Sequence[Any], metas: Sequence[dict[str, Any]], shared: dict[str, Any]
                    ) -> dict[str, list[dict[str, Any]]]:
    """Scored mention rows of every Doc (one row per mention and method), each with its quote id."""
    targets = TargetSet(())
    quoted = shared.get("attributions", {})
    found = []
    for doc, meta in zip(docs, metas):
        doc._.article_id = meta["id"]
        mentions = find_actor_mentions(doc, targets, quoted.get(meta["id"], []))
        found.extend((meta["id"], doc, mention) for mention in mentions)
    records = score_mentions(found, _scorers())
    for record in records:
        record["quote_id"] = quote_id_at(record["start_char"], record["end_char"], quoted.get(record["article_id"], []))
    return {"mentions": records}


annotators.register("stance", func=Annotator(
    name="stance", version=VERSION, tables=("mentions",), annotate=annotate_stance,
    config_files=(MODEL_PATH, GRAPH_PATH), after=("quotes",)))
