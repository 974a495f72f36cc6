Feature: Escalations move up the path and end with a decision
  An escalation goes to the first level of the path; unanswered, it moves one level up.

  Background:
    Given the customer portal initiative sponsored by kathi, with IT and Operations
    And jonas escalated "Go-live date" with the options "pilot, fixed" as "e1"

  Rule: escalation-path

    Scenario: An escalation is forwarded to the next level
      When jonas forwards the escalation "e1" because "no answer"
      Then it is recorded
      And the escalation "e1" is addressed to petra at level 2

    Scenario: At the top of the path an escalation cannot be forwarded
      Given jonas forwarded the escalation "e1" because "no answer"
      When jonas forwards the escalation "e1" because "still no answer"
      Then it is refused by the rule "escalation-path"
      And nothing was stored

  Rule: escalation-open

    Scenario: A resolved escalation cannot be forwarded
      Given kathi decided "pilot" resolving the escalation "e1"
      When jonas forwards the escalation "e1" because "late"
      Then it is refused by the rule "escalation-open"
      And nothing was stored
