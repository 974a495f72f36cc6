@practice-shared-goal
Feature: A shared goal comes first
  Every initiative writes down one shared goal, bigger than each unit's own logic,
  before it starts deciding; every change to it is agreed by both tandem partners.

  Background:
    Given the goal changes of all initiatives

  Scenario: The shared goal is set before the first decision
    Then it had a shared goal before its first decision

  Scenario: Both tandem partners agree every goal change
    Then every goal change was agreed by both tandem partners

  @warning
  Scenario: The goal stays stable
    Then the goal changed at most 3 times
