Feature: Mandates have limits: they expire, they cap a budget, and they are delegated narrower
  Leadership backs the working level with mandates "up to 50k" and "until the pilot ends";
  a decision outside those limits needs another basis, and says which limit it broke.

  Background:
    Given the customer portal initiative sponsored by kathi, with IT and Operations

  Rule: mandate-validity

    Scenario: A decision within the mandate's validity rests on it
      Given jonas holds the mandate "m-pilot" for the scope "technology" valid until "2026-03-01"
      When jonas decides "three" among "three, seven" in scope "technology/ordering" from "2026-02-10"
      Then it is recorded
      And the decision rests on the mandate "m-pilot"

    Scenario: An expired mandate is no basis
      Given jonas holds the mandate "m-pilot" for the scope "technology" valid until "2026-03-01"
      When jonas decides "three" among "three, seven" in scope "technology/ordering"
      Then it is refused by the rule "mandate-validity"
      And nothing was stored

  Rule: mandate-budget

    Scenario: A decision within the cap rests on the mandate
      Given jonas holds the mandate "m-50k" for the scope "technology" with a cap of "50000 EUR"
      When jonas decides "three" among "three, seven" in scope "technology/ordering" committing "42000 EUR"
      Then it is recorded
      And the decision rests on the mandate "m-50k"

    Scenario: A decision above the cap is refused
      Given jonas holds the mandate "m-50k" for the scope "technology" with a cap of "50000 EUR"
      When jonas decides "three" among "three, seven" in scope "technology/ordering" committing "65000 EUR"
      Then it is refused by the rule "mandate-budget"
      And nothing was stored

    Scenario: A decision in another currency than the cap is refused
      Given jonas holds the mandate "m-50k" for the scope "technology" with a cap of "50000 EUR"
      When jonas decides "three" among "three, seven" in scope "technology/ordering" committing "100 USD"
      Then it is refused by the rule "mandate-budget"
      And nothing was stored

  Rule: mandate-delegation

    Scenario: The holder delegates a narrower mandate, and the basis shows the chain
      Given jonas holds the delegable mandate "m-tech" for the scope "technology" with a cap of "50000 EUR"
      And jonas delegated "m-tech" to lena as "m-ordering" for the scope "technology/ordering" with a cap of "10000 EUR"
      When lena decides "three" among "three, seven" in scope "technology/ordering" committing "8000 EUR"
      Then it is recorded
      And the decision rests on the mandate chain "m-tech > m-ordering"

    Scenario: A delegated mandate falls with the mandate it came from
      Given jonas holds the delegable mandate "m-tech" for the scope "technology" with a cap of "50000 EUR"
      And jonas delegated "m-tech" to lena as "m-ordering" for the scope "technology/ordering" with a cap of "10000 EUR"
      And kathi revokes the mandate "m-tech" because "reorganisation"
      When lena decides "three" among "three, seven" in scope "technology/ordering" committing "8000 EUR"
      Then it is refused by the rule "decision-basis"
      And nothing was stored

    Scenario: A delegated mandate is no wider than the one it came from
      Given jonas holds the delegable mandate "m-tech" for the scope "technology" with a cap of "50000 EUR"
      When jonas delegates "m-tech" to lena as "m-ops" for the scope "operations" with a cap of "10000 EUR"
      Then it is refused by the rule "mandate-delegation"
      And nothing was stored

    Scenario: A delegated cap is no higher than the one it came from
      Given jonas holds the delegable mandate "m-tech" for the scope "technology" with a cap of "50000 EUR"
      When jonas delegates "m-tech" to lena as "m-ordering" for the scope "technology/ordering" with a cap of "90000 EUR"
      Then it is refused by the rule "mandate-delegation"
      And nothing was stored

    Scenario: A mandate whose grant allows no delegation is not delegated
      Given jonas holds the mandate "m-50k" for the scope "technology" with a cap of "50000 EUR"
      When jonas delegates "m-50k" to lena as "m-ordering" for the scope "technology/ordering" with a cap of "10000 EUR"
      Then it is refused by the rule "mandate-delegation"
      And nothing was stored
