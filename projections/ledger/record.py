"""An initiative's decision record as a PDF (WeasyPrint): goal history, the responsibility
matrix at chosen dates, decisions with their options, basis and attestation, escalations, the
minutes of its meetings, and the signed checkpoint the record was taken at, with how to check it."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from projections.ledger import notes
from projections.queries import ReadModels

PDF_FILE = "decision-record.pdf"


def record_html(read: ReadModels, initiative: str, note: str,
                matrix_at: Sequence[datetime] = ()) -> str:
    """The record as HTML; `note` is the signed checkpoint it was taken at."""
    row = read.initiative_row(initiative)
    signed, _, _ = notes.parse(note)
    moments = list(matrix_at) or [read.now()]
    env = Environment(loader=FileSystemLoader(Path(__file__).parent),
                      autoescape=select_autoescape(["html"]))
    return env.get_template("record.html").render(
        initiative=row, goals=read.goal_history(initiative)["versions"],
        matrices=[(m.isoformat(timespec="minutes"), read.matrix(initiative, as_of=m))
                  for m in moments],
        decisions=read.decisions(initiative=initiative),
        escalations=read.escalations(initiative=initiative),
        meetings=sorted(read.state(initiative)["meetings"].values(),
                        key=lambda m: str(m["starts_at"])),
        signed=signed, root=base64.b64encode(signed.root).decode(), note=note,
        generated_at=read.now().isoformat(timespec="seconds"))


def write_record_pdf(path: Path, html: str) -> None:
    import weasyprint  # imported on use: it loads Pango, which only the PDF needs

    weasyprint.HTML(string=html, base_url=str(path.parent)).write_pdf(path)
