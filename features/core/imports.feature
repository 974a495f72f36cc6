Feature: Imported decision records speak for their deciders only once they confirm
  A decision imported from an existing record (an architecture decision record, a row of a
  decision list) is its deciders' claim until they confirm it. It rests on a mandate or the
  sponsor when one covers it, else on the record itself; and it may supersede an imported
  decision still awaiting its deciders, so a chain of records is kept as the records say.

  Background:
    Given the customer portal initiative sponsored by kathi, with IT and Operations

  Rule: decision-in-force

    Scenario: An imported record supersedes an imported one still awaiting confirmation
      Given jonas imported the record "0001.md" in which miriam decided "pilot" among "pilot, fixed" in scope "planning" as "d1"
      When jonas imports the record "0002.md" in which miriam decided "fixed" among "pilot, fixed" in scope "planning" as "d2" superseding "d1"
      Then it is recorded
      And the decision "d2" awaits confirmation
      And the decision "d1" awaits confirmation

    Scenario: Once its deciders confirm the later record, the earlier one is superseded
      Given jonas imported the record "0001.md" in which miriam decided "pilot" among "pilot, fixed" in scope "planning" as "d1"
      And jonas imported the record "0002.md" in which miriam decided "fixed" among "pilot, fixed" in scope "planning" as "d2" superseding "d1"
      When miriam confirms that entry
      Then it is recorded
      And the decision "d1" is superseded

    Scenario: A decision already being superseded cannot be superseded by another import
      Given jonas imported the record "0001.md" in which miriam decided "pilot" among "pilot, fixed" in scope "planning" as "d1"
      And jonas imported the record "0002.md" in which miriam decided "fixed" among "pilot, fixed" in scope "planning" as "d2" superseding "d1"
      When jonas imports the record "0003.md" in which miriam decided "pilot" among "pilot, fixed" in scope "planning" as "d3" superseding "d1"
      Then it is refused by the rule "decision-in-force"
      And nothing was stored

    Scenario: A decision recorded by hand still cannot supersede one awaiting confirmation
      Given jonas imported the record "0001.md" in which miriam decided "pilot" among "pilot, fixed" in scope "planning" as "d1"
      When kathi decides "fixed" among "pilot, fixed" in scope "planning" superseding "d1"
      Then it is refused by the rule "decision-in-force"
      And nothing was stored

  Rule: decision-basis

    Scenario: An imported decision rests on a mandate that covers it
      Given miriam holds the mandate "m1" for the scope "planning"
      When jonas imports the record "0001.md" in which miriam decided "pilot" among "pilot, fixed" in scope "planning" as "d1"
      Then it is recorded
      And the decision rests on the mandate "m1"

    Scenario: An imported decision no mandate covers rests on its record
      When jonas imports the record "0001.md" in which miriam decided "pilot" among "pilot, fixed" in scope "planning" as "d1"
      Then it is recorded
      And the decision rests on the imported record "0001.md"

  Rule: effective-time

    Scenario: A record dated before the initiative was opened is refused
      When jonas imports the record "0001.md" in which miriam decided "pilot" among "pilot, fixed" in scope "planning" as "d1" from "2025-12-01T00:00:00+00:00"
      Then it is refused by the rule "effective-time"
      And nothing was stored
