"""The trust-pulse sparkline: one block per pulse (1-5) on a fixed scale, so a 4 always
looks like a 4, whoever the client is, and a trend in words beside it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.text import Text

# 1..5 on the eight block heights; the scale is fixed (not stretched to min..max) so that
# a steady 4 reads as high and steady, not as a flat line at the bottom.
BLOCKS = {1: "▁", 2: "▃", 3: "▄", 4: "▆", 5: "█"}


def trend(pulses: list[int]) -> str:
    """'rising', 'falling', 'steady' or '' (fewer than 3 pulses): the mean of the last three
    against the mean of the ones before them (up to five)."""
    if len(pulses) < 3:
        return ""
    last, before = pulses[-3:], pulses[-8:-3]
    if not before:
        before = pulses[:1]
        last = pulses[1:]
    diff = sum(last) / len(last) - sum(before) / len(before)
    if diff >= 0.5:
        return "rising"
    if diff <= -0.5:
        return "falling"
    return "steady"


def style_for(pulses: list[int]) -> str:
    if not pulses:
        return "muted"
    if pulses[-1] <= 2 or trend(pulses) == "falling":
        return "warn"
    return "ok"


def spark(pulses: list[int]) -> Text:
    """The blocks, coloured calm (green) or to be watched (yellow: falling, or last <= 2)."""
    from rich.text import Text

    if not pulses:
        return Text("·", style="muted")
    return Text("".join(BLOCKS.get(p, "?") for p in pulses), style=style_for(pulses))


def pulse_line(pulses: list[int]) -> Text:
    """'▄▆▆█▆  4 now, rising' for prep and the client page."""
    from rich.text import Text

    if not pulses:
        return Text("no trust pulse recorded yet", style="muted")
    line = Text()
    line.append_text(spark(pulses))
    words = f"  {pulses[-1]} of 5 last time"
    direction = trend(pulses)
    if direction:
        words += f", {direction}"
    line.append(words, style="warn" if style_for(pulses) == "warn" else "")
    return line
