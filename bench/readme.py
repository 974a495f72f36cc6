"""`python -m bench.readme [RESULTS.json]`: regenerate the README's Performance section from a
results file (the newest in bench/results/ by default), so the README is never edited by hand.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bench.report import replace_section, section

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def newest() -> Path:
    files = sorted(RESULTS.glob("*.json"))
    if not files:
        raise SystemExit(f"no results in {RESULTS}: run `python -m bench` first")
    return files[-1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.readme", description=__doc__)
    parser.add_argument("results", nargs="?", type=Path, help="a results JSON of `python -m bench`")
    parser.add_argument("--readme", type=Path, default=ROOT / "README.md")
    args = parser.parse_args(argv)
    source = (args.results or newest()).resolve()
    report = json.loads(source.read_text())
    shown = source.relative_to(ROOT) if source.is_relative_to(ROOT) else source
    text = args.readme.read_text()
    args.readme.write_text(replace_section(text, section(report, str(shown))))
    print(f"{args.readme.name}: Performance section regenerated from {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
