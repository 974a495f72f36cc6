"""Governance rules in Gherkin, judged over the recorded history.

`engine.check`, `engine.check_adopted` and `engine.adopted_rules` judge; `report` renders the
results (text, JSON, JUnit XML, HTML) and gives the audit export its part. The engine reads the
history through `source.RuleSource` and names pages through a `source.Link` it is given.
"""
