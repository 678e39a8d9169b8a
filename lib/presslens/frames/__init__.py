"""Framing: which frames each outlet uses (cue tagger + article classifier) and the words that carry them."""

from presslens.frames import evaluate  # noqa: F401  (registers `presslens eval/train frames`)
from presslens.frames.classifier import ClassifierConfig, FrameClassifier, article_frames_table, load_classifier
from presslens.frames.cues import (
                                   FrameCue,
                                   article_cue_table,
                                   cue_table,
                                   frame_info,
                                   frame_names,
                                   tag_frames,
                                   top_evidence,
)
from presslens.frames.profiles import describe_differences, frame_differences, outlet_profile

__all__ = ["ClassifierConfig", "FrameClassifier", "FrameCue", "article_cue_table", "article_frames_table",
           "cue_table", "describe_differences", "frame_differences", "frame_info", "frame_names",
           "load_classifier", "outlet_profile", "tag_frames", "top_evidence"]
