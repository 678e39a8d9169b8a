"""The framing annotator: each article's frame cues, naming-lexicon mentions and term counts (Doc -> records)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from presslens.frames.cues import frame_matcher, tag_frames
from presslens.frames.devices import name_mentions, naming_matcher, term_counts
from presslens.frames.lexicon import FRAMES_FILE, LABELS_FILE
from presslens.registry import Annotator, annotators

#: Bump when cue tagging, naming or term counting changes what the records hold.
VERSION = "2"


def annotate_frames(docs: Sequence[Any], metas: Sequence[dict[str, Any]], shared: dict[str, Any]
                    ) -> dict[str, list[dict[str, Any]]]:
    """Frame-cue, name-mention and term-count rows of every Doc."""
    cues_matcher, names_matcher = frame_matcher(), naming_matcher()
    cues, names, terms = [], [], []
    for doc, meta in zip(docs, metas):
        doc._.article_id = meta["id"]
        cues.extend(asdict(cue) for cue in tag_frames(doc, cues_matcher))
        names.extend(asdict(mention) for mention in name_mentions(doc, names_matcher))
        terms.extend({"article_id": meta["id"], "term": term, "count": count}
                     for term, count in sorted(term_counts(doc).items()))
    return {"frame_cues": cues, "names": names, "term_counts": terms}


annotators.register("frames", func=Annotator(
    name="frames", version=VERSION, tables=("frame_cues", "names", "term_counts"), annotate=annotate_frames,
    config_files=(FRAMES_FILE, LABELS_FILE)))
