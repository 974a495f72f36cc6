Feature: Time and the end of an initiative
  Entries take effect when they happened, never in the future, never before the initiative;
  a closed initiative takes no more entries.

  Background:
    Given the customer portal initiative sponsored by kathi, with IT and Operations

  Rule: effective-time

    Scenario: An entry may take effect in the past
      When kathi makes miriam Accountable for "operations" from "2026-02-01"
      Then it is recorded

    Scenario: An entry cannot take effect before the initiative was opened
      When kathi makes miriam Accountable for "operations" from "2025-12-01"
      Then it is refused by the rule "effective-time"
      And nothing was stored

    Scenario: An entry cannot take effect tomorrow
      When kathi makes miriam Accountable for "operations" from "tomorrow"
      Then it is refused by the rule "effective-time"
      And nothing was stored

  Rule: effective-order

    Scenario: A later decision supersedes an earlier one
      Given kathi decided "pilot" among "pilot, fixed" in scope "planning" as "d1"
      When kathi decides "fixed" among "pilot, fixed" in scope "planning" superseding "d1"
      Then it is recorded

    Scenario: A decision cannot supersede one that took effect after it
      Given kathi decided "pilot" among "pilot, fixed" in scope "planning" as "d1"
      When kathi decides "fixed" among "pilot, fixed" in scope "planning" superseding "d1" from "2026-02-01"
      Then it is refused by the rule "effective-order"
      And nothing was stored

  Rule: initiative-open

    Scenario: A closed initiative accepts no further entries
      Given kathi closed the initiative with the outcome "Portal live everywhere"
      When kathi makes miriam Responsible for "operations"
      Then it is refused by the rule "initiative-open"
      And nothing was stored
