"""Framing: which frames each outlet uses (cue tagger + article classifier) and the words that carry them."""

from presslens.frames import evaluate  # noqa: F401  (registers `presslens eval/train frames`)
from presslens.frames.classifier import ClassifierConfig, FrameClassifier, load_classifier
from presslens.frames.cues import (
                                   FrameCue,
                                   article_cue_table,
                                   cue_table,
                                   frame_info,
                                   frame_names,
                                   outlet_profile,
                                   sentence_table,
                                   tag_frames,
                                   top_evidence,
)

__all__ = ["ClassifierConfig", "FrameClassifier", "FrameCue", "article_cue_table", "cue_table", "frame_info",
           "frame_names", "load_classifier", "outlet_profile", "sentence_table", "tag_frames", "top_evidence"]
