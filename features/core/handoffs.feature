Feature: A handoff can be refused or returned, and says what its receiver checks
  Work passes from one unit to the other with acceptance criteria; the receiver accepts it,
  refuses it while it waits, or returns it after accepting, always saying why.

  Background:
    Given the customer portal initiative sponsored by kathi, with IT and Operations

  Rule: handoff-answer

    Scenario: A handoff carries acceptance criteria
      When jonas hands "Data model" to miriam as "h1" with the acceptance criteria "three patterns documented, reviewed by operations"
      Then it is recorded
      And the handoff carries the acceptance criteria "three patterns documented, reviewed by operations"

    Scenario: The receiver refuses a waiting handoff, saying why
      Given jonas hands "Data model" to miriam as "h1"
      When miriam refuses the handoff "h1" because "The patterns are not documented"
      Then it is recorded

    Scenario: A refused handoff is not accepted afterwards
      Given jonas hands "Data model" to miriam as "h1"
      And miriam refused the handoff "h1" because "The patterns are not documented"
      When miriam accepts the handoff "h1"
      Then it is refused by the rule "handoff-open"
      And nothing was stored

    Scenario: The receiver returns accepted work, saying why
      Given jonas hands "Data model" to miriam as "h1"
      And miriam accepted the handoff "h1"
      When miriam returns the handoff "h1" because "The review found two more patterns"
      Then it is recorded

    Scenario: An accepted handoff is returned, not refused
      Given jonas hands "Data model" to miriam as "h1"
      And miriam accepted the handoff "h1"
      When miriam refuses the handoff "h1" because "Changed my mind"
      Then it is refused by the rule "handoff-answer"
      And nothing was stored

    Scenario: A waiting handoff is refused, not returned
      Given jonas hands "Data model" to miriam as "h1"
      When miriam returns the handoff "h1" because "Not for me"
      Then it is refused by the rule "handoff-answer"
      And nothing was stored

    Scenario: A returned handoff is closed
      Given jonas hands "Data model" to miriam as "h1"
      And miriam accepted the handoff "h1"
      And miriam returned the handoff "h1" because "The review found two more patterns"
      When miriam returns the handoff "h1" because "Again"
      Then it is refused by the rule "handoff-answer"
      And nothing was stored

  Rule: handoff-receiver

    Scenario: Nobody refuses a handoff for its receiver
      Given jonas hands "Data model" to miriam as "h1"
      When thomas refuses the handoff "h1" because "Not ready"
      Then it is refused by the rule "handoff-receiver"
      And nothing was stored
