"""Timeline reconstruction: TIMEX3 expressions, the events they date, one merged timeline with conflicts."""

from presslens.timeline import evaluate, semeval  # noqa: F401  (register `presslens eval timex` / `eval timeline`)
from presslens.timeline.events import Event, extract_events
from presslens.timeline.merge import MergeRules, fitted_rules
from presslens.timeline.tables import (
                                       TimelineTables,
                                       build,
                                       build_from_tables,
                                       conflicts_table,
                                       context_depth,
                                       events_table,
                                       timeline_table,
                                       timex_table,
)
from presslens.timeline.timex import Timex, extract_timex

__all__ = ["Event", "MergeRules", "Timex", "TimelineTables", "build", "build_from_tables", "conflicts_table",
           "context_depth", "events_table", "extract_events", "extract_timex", "fitted_rules", "timeline_table",
           "timex_table"]
