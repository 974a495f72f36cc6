Feature: The lead tandem
  Two people, one from each side, lead the initiative jointly.

  Background:
    Given the customer portal initiative sponsored by kathi, with IT and Operations

  Rule: tandem-two-units

    Scenario: Two people from two different units form the tandem
      When kathi forms the tandem of jonas and miriam
      Then it is recorded

    Scenario: Two people from the same unit cannot form the tandem
      When kathi forms the tandem of jonas and thomas
      Then it is refused by the rule "tandem-two-units"
      And nothing was stored

    Scenario: A deactivated person cannot be a tandem partner
      Given lena has left the organisation
      When kathi forms the tandem of jonas and lena
      Then it is refused by the rule "registered-people"
      And nothing was stored

  Rule: one-tandem

    Scenario: A second tandem while the first still leads is refused
      Given jonas and miriam lead as the tandem
      When kathi forms the tandem of thomas and lena
      Then it is refused by the rule "one-tandem"
      And nothing was stored

    Scenario: After the tandem is dissolved, a new one can be formed
      Given jonas and miriam lead as the tandem
      And kathi dissolves the tandem because "new phase"
      When kathi forms the tandem of thomas and lena
      Then it is recorded
