Feature: Everything named exists
  People are registered and active when an entry takes effect; ids exist and are unique.

  Background:
    Given the customer portal initiative sponsored by kathi, with IT and Operations

  Rule: registered-people

    Scenario: A person registered today can be named for history recorded afterwards
      When kathi makes miriam Accountable for "operations" from "2026-01-10"
      Then it is recorded

    Scenario: A person nobody registered cannot be named
      When kathi makes nobody Accountable for "operations"
      Then it is refused by the rule "registered-people"
      And nothing was stored

    Scenario: A person who left cannot be given a role after leaving
      Given lena has left the organisation
      When kathi makes lena Responsible for "operations"
      Then it is refused by the rule "registered-people"
      And nothing was stored

  Rule: known-references

    Scenario: A decision cannot supersede a decision that does not exist
      When kathi decides "pilot" among "pilot, fixed" in scope "planning" superseding "d-unknown"
      Then it is refused by the rule "known-references"
      And nothing was stored

  Rule: ids are unique

    Scenario: The same decision id twice is a conflict
      Given kathi decided "pilot" among "pilot, fixed" in scope "planning" as "d1"
      When kathi decides "fixed" among "pilot, fixed" in scope "planning" as "d1"
      Then it is refused as a conflict
      And nothing was stored
