"""Record the trust screens as SVG for docs/screens.md, from the real commands.

It makes a demo store in a temporary folder with `now` pinned (COACHLOG_NOW), runs each
command in this process with coachlog's console replaced by a Rich recording console
100 columns wide, and writes what the command printed to docs/screens/NAME.svg.

python scripts/screens.py          rewrite the SVGs
python scripts/screens.py --check  exit 1 if any is stale (the test suite runs this)
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screens"
WIDTH = 100
NOW = "2026-11-22T10:00:00+00:00"  # a Sunday morning
TZ = "Europe/Lisbon"

# (file name, command line); they run in this order on one demo store (the pit-stop last,
# since it writes)
SCREENS = [
    ("demo", ["demo"]),
    ("dashboard", ["dashboard"]),
    ("trust", ["trust"]),
    ("trust-client", ["trust", "łukasz"]),
    ("prep", ["prep", "łukasz"]),
    ("client-show", ["client", "show", "łukasz"]),
    ("pitstop", ["pitstop", "李娜", "--more", "challenge", "--safety", "4",
                 "--agreement-change", "Every three weeks"]),
]  # fmt: skip


def _recording_console():
    from rich.console import Console
    from rich.theme import Theme

    from coachlog.render import THEME

    return Console(
        record=True,
        width=WIDTH,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        markup=False,
        emoji=False,
        highlight=False,
        theme=Theme(THEME),
        soft_wrap=False,
    )


def record() -> dict[Path, str]:
    sys.path.insert(0, str(ROOT / "src"))
    from coachlog import render
    from coachlog.cli.main import main

    out: dict[Path, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.update(
            COACHLOG_DB=str(Path(tmp) / "demo.db"),
            COACHLOG_NOW=NOW,
            COACHLOG_TZ=TZ,
            COLUMNS=str(WIDTH),
        )
        os.environ.pop("NO_COLOR", None)
        for name, args in SCREENS:
            console = _recording_console()
            render._console[False] = console
            code = main(args)
            if code != 0:
                raise SystemExit(f"coachlog {' '.join(args)} failed with status {code}")
            title = "coachlog " + " ".join(a if " " not in a else f'"{a}"' for a in args)
            out[OUT / f"{name}.svg"] = console.export_svg(title=title)
        render._console.clear()
    return out


def main(argv: list[str]) -> int:
    screens = record()
    stale = [p for p, svg in screens.items() if not p.exists() or p.read_text() != svg]
    if "--check" in argv:
        for p in stale:
            print(f"{p.relative_to(ROOT)} is stale: run python scripts/screens.py")
        return 1 if stale else 0
    OUT.mkdir(parents=True, exist_ok=True)
    for p, svg in screens.items():
        p.write_text(svg)
    print(f"wrote {len(screens)} screens to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
