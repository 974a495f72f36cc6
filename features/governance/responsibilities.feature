@practice-responsibilities
Feature: No responsibility diffusion
  Every area of an initiative has exactly one Accountable; a gap is flagged in a status
  report or an escalation within a week. Nobody is Accountable for so much that nobody is.

  Background:
    Given the responsibilities of all initiatives

  Scenario: Every area has exactly one Accountable
    Then every area had exactly one Accountable, or it was flagged within 7 days

  Scenario: Nobody is Accountable for too many areas
    Then no person was Accountable for more than 4 areas at once

  @warning
  Scenario: Handoffs are accepted promptly
    Given the handoffs of all initiatives
    Then each was accepted within 5 days
