"""Timeline reconstruction: TIMEX3 expressions, the events they date, one merged timeline with conflicts."""

from presslens.timeline import evaluate  # noqa: F401  (registers `presslens eval timex` / `eval timeline`)
from presslens.timeline.timex import Timex, extract_timex

__all__ = ["Timex", "extract_timex"]
