@practice-joint-status
Feature: One joint status, at least every two weeks
  The tandem reports together, with one status, what runs, what blocks and which options
  exist, instead of a separate report per unit.

  Background:
    Given the status reports of all initiatives

  Scenario: Status is reported at least every 14 days
    Then status was reported at least every 14 days while open

  Scenario: Status is reported jointly by the tandem
    Then each was reported jointly by the tandem
