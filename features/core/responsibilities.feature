Feature: Responsibilities are clear
  Every area of an initiative has at most one person who is Accountable at any time,
  so that responsibility never diffuses between the two units.

  Background:
    Given the customer portal initiative sponsored by kathi, with IT and Operations

  Rule: one-accountable-per-area

    Scenario: A second person can be Responsible where someone is already Accountable
      Given jonas is Accountable for "technology"
      When kathi makes miriam Responsible for "technology"
      Then it is recorded

    Scenario: A second Accountable for the same area is refused
      Given jonas is Accountable for "technology"
      When kathi makes miriam Accountable for "technology"
      Then it is refused by the rule "one-accountable-per-area"
      And nothing was stored

    Scenario: After the Accountable is released, someone else can take over
      Given jonas is Accountable for "technology"
      And kathi releases jonas as Accountable for "technology" because "handover"
      When kathi makes miriam Accountable for "technology"
      Then it is recorded

  Rule: release-held-role

    Scenario: A role nobody holds cannot be released
      When kathi releases miriam as Accountable for "technology" because "mistake"
      Then it is refused by the rule "release-held-role"
      And nothing was stored
