"""Stance per outlet: target mentions, their voice (own or quoted), polarity by two scorers, and aggregation."""

from presslens.stance import entity_eval as _entity_commands  # noqa: F401  (registers `eval/train entity-stance`)
from presslens.stance import evaluate as _commands  # noqa: F401  (registers `presslens eval/train stance`)
from presslens.stance.aggregate import (
                                        evidence_details,
                                        heatmap_frames,
                                        method_agreement,
                                        roll_up,
                                        score_mentions,
                                        stance_mentions,
                                        stance_outlet_target,
                                        strongest_evidence,
)
from presslens.stance.context import MentionContext, features, mention_context, mention_span
from presslens.stance.scorers import Scorer, Thresholds, get_scorer, scorers
from presslens.stance.targets import (
    Mention,
    Target,
    TargetSet,
    find_actor_mentions,
    find_mentions,
    load_targets,
    voice_of,
)

__all__ = ["Mention", "MentionContext", "Scorer", "Target", "TargetSet", "Thresholds", "evidence_details",
           "features", "find_actor_mentions", "find_mentions", "get_scorer", "heatmap_frames", "load_targets",
           "mention_context", "mention_span", "method_agreement", "roll_up", "score_mentions", "scorers",
           "stance_mentions", "stance_outlet_target", "strongest_evidence", "voice_of"]
