Feature: Every decision rests on authority
  A decision is taken on a mandate, on an escalation addressed to the decider, or by the sponsor.

  Background:
    Given the customer portal initiative sponsored by kathi, with IT and Operations

  Rule: decision-basis

    Scenario: A mandate covering the scope is found and recorded as the basis
      Given jonas holds the mandate "m-tech" for the scope "technology"
      When jonas decides "three" among "three, seven" in scope "technology/ordering"
      Then it is recorded
      And the decision rests on the mandate "m-tech"

    Scenario: A mandate for another scope is no basis
      Given jonas holds the mandate "m-tech" for the scope "technology"
      When jonas decides "three" among "three, seven" in scope "operations/backoffice"
      Then it is refused by the rule "decision-basis"
      And nothing was stored

    Scenario: A revoked mandate is no basis any more
      Given jonas holds the mandate "m-tech" for the scope "technology"
      And kathi revokes the mandate "m-tech" because "reorganisation"
      When jonas decides "three" among "three, seven" in scope "technology/ordering"
      Then it is refused by the rule "decision-basis"
      And nothing was stored

    Scenario: The sponsor may decide without a mandate
      When kathi decides "pilot" among "pilot, fixed" in scope "planning"
      Then it is recorded
      And the decision rests on the sponsor

    Scenario: The addressee of an open escalation decides on it
      Given jonas escalated "Go-live date" with the options "pilot, fixed" as "e1"
      When kathi decides "pilot" resolving the escalation "e1"
      Then it is recorded
      And the decision rests on the escalation "e1"
      And the escalation "e1" is resolved

  Rule: mandate-grantor

    Scenario: The sponsor grants a mandate
      When kathi grants jonas the mandate "m-ops" for the scope "operations"
      Then it is recorded

    Scenario: Nobody grants themselves a mandate
      When jonas grants jonas the mandate "m-all" for the scope "*"
      Then it is refused by the rule "mandate-grantor"
      And nothing was stored
