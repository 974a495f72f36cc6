Feature: The people named speak for themselves
  An entry naming others as deciders, agreeing partners or joint reporters is the recorder's claim
  until each of them confirms it under their own login. A claim is never a fact.

  Background:
    Given the customer portal initiative sponsored by kathi, with IT and Operations

  Rule: confirmation-by-named

    Scenario: A decision recorded for the sponsor waits for her confirmation
      When jonas records that kathi decided "pilot" among "pilot, fixed" in scope "planning" as "d1"
      Then it is recorded
      And the decision "d1" awaits confirmation

    Scenario: The decider confirms and the decision comes into force
      Given jonas recorded that kathi decided "pilot" among "pilot, fixed" in scope "planning" as "d1"
      When kathi confirms that entry
      Then it is recorded
      And the decision "d1" is in force

    Scenario: A decision awaiting confirmation cannot be superseded
      Given jonas recorded that kathi decided "pilot" among "pilot, fixed" in scope "planning" as "d1"
      When kathi decides "fixed" among "pilot, fixed" in scope "planning" superseding "d1"
      Then it is refused by the rule "decision-in-force"
      And nothing was stored

    Scenario: A disputed decision is never in force
      Given jonas recorded that kathi decided "pilot" among "pilot, fixed" in scope "planning" as "d1"
      When kathi disputes that entry because "I decided fixed"
      Then it is recorded
      And the decision "d1" is disputed

    Scenario: Someone the entry does not name cannot confirm it
      Given jonas recorded that kathi decided "pilot" among "pilot, fixed" in scope "planning" as "d1"
      When miriam confirms that entry
      Then it is refused by the rule "confirmation-by-named"
      And nothing was stored

    Scenario: A named person answers once
      Given jonas recorded that kathi decided "pilot" among "pilot, fixed" in scope "planning" as "d1"
      And kathi confirmed that entry
      When kathi disputes that entry because "changed my mind"
      Then it is refused by the rule "confirmation-by-named"
      And nothing was stored

    Scenario: A dismissed member no longer answers
      Given jonas reported the joint status "Pilot prepared" with lena
      And kathi dismisses lena because "moved to another project"
      When lena confirms that entry
      Then it is refused by the rule "confirmation-by-named"
      And nothing was stored

  Rule: handoff-receiver

    Scenario: The receiver accepts the handoff
      Given jonas hands "order support" to miriam as "h1"
      When miriam accepts the handoff "h1"
      Then it is recorded

    Scenario: Nobody accepts a handoff for its receiver
      Given jonas hands "order support" to miriam as "h1"
      When thomas accepts the handoff "h1"
      Then it is refused by the rule "handoff-receiver"
      And nothing was stored
