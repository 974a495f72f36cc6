"""Render docs/rules.md from the registered steps: `python -m projections.governance.docs > docs/rules.md`."""

from __future__ import annotations

from projections.governance import engine  # noqa: F401 - registers every step
from projections.governance.history import KINDS
from projections.governance.registry import STEPS

HEADER = """# Governance rules: the step vocabulary

Generated from the step definitions in `projections/governance/` by
`python -m projections.governance.docs > docs/rules.md`; a test keeps it in step. Do not edit by hand.

Rules are Gherkin feature files. `tandem check-rules PATH...` judges the recorded history
against them: exit 0 when every rule holds, 1 when one is violated, 2 when a file cannot be
used (a syntax error, a step no definition matches). Scenario Outlines, Backgrounds, Rules and
tags work as in any Gherkin tool; a scenario tagged `@warning` reports its violations without
failing, `@skip` (or `@ignore`) is not run.

In the templates, `{n}` is a whole number, `{initiative}` an initiative id, `{start}` and
`{end}` ISO dates (or times; a date means the start or end of that day), `{scope}` a scope
path such as `technology/ordering`, and `{kind}` one of: KINDS. `[...]` is optional. A day is
24 hours. A Then judges what the Given before it selected; Thens over the initiative follow
any Given, whose window (if any) limits the period judged.
"""


def render() -> str:
    lines = [HEADER.replace("KINDS", ", ".join(KINDS))]
    sections = [("Given: what a rule looks at", "Given", "*")]
    sections += [(f"Then, over {over}", "Then", over)
                 for over in ("decisions", "escalations", "status reports", "mandates", "handoffs")]
    sections.append(("Then, over the initiative", "Then", "*"))
    for title, keyword, over in sections:
        lines.append(f"## {title}\n")
        for definition in STEPS:
            if definition.keyword != keyword or not (
                    over in definition.over if over != "*" else definition.over == ("*",)):
                continue
            lines.append(f"### `{definition.keyword} {definition.template}`\n")
            lines.append(" ".join(definition.doc.split()) + "\n")
            if definition.over != ("*",) and definition.keyword == "Then":
                lines.append(f"Judges: {', '.join(definition.over)}.\n")
            lines += [f"    {definition.keyword} {example}" for example in definition.examples]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    print(render(), end="")
