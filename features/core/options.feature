Feature: Decisions come with options
  A proposal, an escalation and a decision always show the options that were on the table.

  Background:
    Given the customer portal initiative sponsored by kathi, with IT and Operations

  Rule: options-offered

    Scenario: A proposal with two options is recorded
      When jonas proposes "How many data patterns?" with the options "three, seven"
      Then it is recorded

    Scenario: A proposal with a single option is refused
      When jonas proposes "How many data patterns?" with the options "three"
      Then it is refused by the rule "options-offered"
      And nothing was stored

    Scenario: An escalation with the same option twice is refused
      When jonas escalates "Go-live date" with the options "pilot, pilot"
      Then it is refused by the rule "options-offered"
      And nothing was stored

  Rule: decision-options

    Scenario: A decision chooses one of the options it considered
      When kathi decides "pilot" among "pilot, fixed" in scope "planning"
      Then it is recorded

    Scenario: A decision cannot choose an option it did not consider
      When kathi decides "later" among "pilot, fixed" in scope "planning"
      Then it is refused by the rule "decision-options"
      And nothing was stored

    Scenario: A decision that answers a proposal takes the proposal's options
      Given jonas proposed "How many data patterns?" with the options "three, seven" as "p1"
      When kathi decides "three" answering the proposal "p1"
      Then it is recorded
