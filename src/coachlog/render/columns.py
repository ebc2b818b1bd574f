"""A table of one-line cells, drawn as lines of text: a bold header, a rule under it, the
columns a few spaces apart, as Rich's SIMPLE_HEAD table draws them, at a fraction of the
cost. Rich lays out and renders each cell on its own (measure, pad, split, crop): the trust
matrix of a 10-year practice, 42 clients by 13 columns, took about 60 ms that way, more
than the rest of the command. On a narrow terminal the flexible column (the names) gives
way first, a name that does not fit ending in "…", then the gaps narrow. The last column
may instead wrap at words under itself (the dashboard's reasons)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text


@dataclass(frozen=True)
class Column:
    header: str
    justify: Literal["left", "center", "right"] = "left"
    min_width: int = 1
    max_width: int | None = None
    flexible: bool = False  # the one column that gives way on a narrow terminal
    wraps: bool = False  # the last column only: wraps at words under itself


def _fit(line: Text, cell: Text, width: int, justify: str) -> None:
    """Append the cell to the line, cut to `width` (ending in "…") or padded to it."""
    if cell.cell_len > width:
        cell = cell.copy()
        cell.truncate(width, overflow="ellipsis")
    room = width - cell.cell_len
    left = room if justify == "right" else room // 2 if justify == "center" else 0
    line.append(" " * left)
    line.append_text(cell)
    line.append(" " * (room - left))


def _widths(
    columns: Sequence[Column], rows: Sequence[Sequence[Text]], width: int, gaps: Sequence[int]
) -> tuple[list[int], int]:
    widths = []
    for i, col in enumerate(columns):
        natural = max([len(col.header), col.min_width, *(row[i].cell_len for row in rows)])
        widths.append(min(natural, col.max_width) if col.max_width else natural)
    give = next((i for i, col in enumerate(columns) if col.flexible), 0)
    last = len(columns) - 1
    wraps = columns[last].wraps
    for gap in gaps:
        fixed = sum(w for i, w in enumerate(widths) if i != give and not (wraps and i == last))
        room = width - fixed - gap * last - (columns[last].min_width if wraps else 0)
        if room >= columns[give].min_width:
            break
    widths[give] = max(min(widths[give], room), columns[give].min_width)
    if wraps:
        others = sum(widths[:last]) + gap * last
        widths[last] = max(min(widths[last], width - others), columns[last].min_width)
    return widths, gap


def one_line_table(
    columns: Sequence[Column],
    rows: Sequence[Sequence[Text]],
    *,
    out: Console,
    gaps: Sequence[int] = (3, 2, 1),
    header: bool = True,
) -> Text:
    """The header, the rule and the rows, as one Text of lines (no trailing spaces), for
    `out`'s width. `gaps`: the space between columns, widest first, as room allows;
    without `header`, the rows alone."""
    from rich.text import Text

    widths, gap = _widths(columns, rows, out.width, gaps)
    last = len(columns) - 1
    indent = " " * (sum(widths[:last]) + gap * last)

    def lines(cells: Sequence[Text]) -> list[Text]:
        text = Text()
        for i, (cell, w, col) in enumerate(zip(cells, widths, columns, strict=True)):
            if i:
                text.append(" " * gap)
            if i == last and col.wraps and cell.cell_len > w:
                first, *more = cell.wrap(out, w, overflow="fold")
                text.append_text(first)
                continued = [Text(indent) + rest for rest in more]
                for piece in (text, *continued):
                    piece.rstrip()
                return [text, *continued]
            _fit(text, cell, w, col.justify)
        text.rstrip()
        return [text]

    body = [line for row in rows for line in lines(row)]
    if not header:
        return Text("\n").join(body)
    head = lines([Text(col.header, style="head") for col in columns])
    rule = Text("─" * (sum(widths) + gap * last))
    return Text("\n").join([*head, rule, *body])
