"""Governance rules in Gherkin, judged over the recorded history.

Public functions: `check`, `check_adopted`, `adopted_rules`, `audit_report` (engine) and the
renderers in `report`.
"""
