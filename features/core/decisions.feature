Feature: Decisions are never edited
  A later decision supersedes or revokes an earlier one; each decision is superseded or revoked once.

  Background:
    Given the customer portal initiative sponsored by kathi, with IT and Operations
    And kathi decided "pilot" among "pilot, fixed" in scope "planning" as "d1"

  Rule: decision-in-force

    Scenario: A decision in force is superseded by a later one
      When kathi decides "fixed" among "pilot, fixed" in scope "planning" superseding "d1"
      Then it is recorded
      And the decision "d1" is superseded

    Scenario: A superseded decision cannot be superseded again
      Given kathi decided "fixed" among "pilot, fixed" in scope "planning" superseding "d1"
      When kathi decides "pilot" among "pilot, fixed" in scope "planning" superseding "d1"
      Then it is refused by the rule "decision-in-force"
      And nothing was stored

    Scenario: A decision in force can be revoked once
      When kathi revokes the decision "d1" because "budget cut"
      Then it is recorded

    Scenario: A revoked decision cannot be revoked again
      Given kathi revoked the decision "d1" because "budget cut"
      When kathi revokes the decision "d1" because "again"
      Then it is refused by the rule "decision-in-force"
      And nothing was stored
