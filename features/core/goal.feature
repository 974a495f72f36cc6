Feature: The shared goal
  The goal may change, but every change says why, and the tandem agrees to it.

  Background:
    Given the customer portal initiative sponsored by kathi, with IT and Operations
    And the shared goal is "Portal live in Q2"

  Rule: goal-revision-reason

    Scenario: A revision with a reason is recorded
      When kathi revises the goal to "Portal live in Q3" because "pilot first", agreed by "kathi"
      Then it is recorded

    Scenario: A revision without a reason is refused
      When kathi revises the goal to "Portal live in Q3" because "", agreed by "kathi"
      Then it is refused by the rule "goal-revision-reason"
      And nothing was stored

  Rule: goal-agreed-by-tandem

    Scenario: Both tandem partners agree to the revision
      Given jonas and miriam lead as the tandem
      When kathi revises the goal to "Portal live in Q3" because "pilot first", agreed by "jonas, miriam"
      Then it is recorded

    Scenario: A revision one partner did not agree to is refused
      Given jonas and miriam lead as the tandem
      When kathi revises the goal to "Portal live in Q3" because "pilot first", agreed by "jonas"
      Then it is refused by the rule "goal-agreed-by-tandem"
      And nothing was stored
