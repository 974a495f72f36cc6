Feature: Success criteria are measurable, owned by both sides, and evaluated on set dates
  "Customer feedback after four weeks at least satisfied": a target with a comparison, a value
  and a unit; an owner from each unit; evaluation dates. At each date the criterion is met or
  missed by the latest measurement by then; before the first date it is pending.

  Background:
    Given the customer portal initiative sponsored by kathi, with IT and Operations

  Rule: criterion-owners

    Scenario: A measurable criterion is owned by one person from each unit
      When kathi defines the criterion "feedback" as ">= 4 points" evaluated on "2026-02-02", owned by jonas and miriam
      Then it is recorded

    Scenario: Two owners from the same unit are refused
      When kathi defines the criterion "feedback" as ">= 4 points" evaluated on "2026-02-02", owned by jonas and thomas
      Then it is refused by the rule "criterion-owners"
      And nothing was stored

  Rule: criterion-active

    Scenario: A criterion met at its evaluation date
      Given the criterion "feedback" is ">= 4 points" evaluated on "2026-02-02", owned by jonas and miriam
      And "feedback" was measured at 4.5 on "2026-01-30"
      Then the criterion "feedback" is met

    Scenario: A criterion missed at its evaluation date, though met later
      Given the criterion "feedback" is ">= 4 points" evaluated on "2026-02-02", owned by jonas and miriam
      And "feedback" was measured at 3.5 on "2026-01-30"
      And "feedback" was measured at 4.5 on "2026-02-10"
      Then the criterion "feedback" is missed

    Scenario: A criterion not measured by its evaluation date is missed
      Given the criterion "feedback" is ">= 4 points" evaluated on "2026-02-02", owned by jonas and miriam
      Then the criterion "feedback" is missed

    Scenario: A criterion whose evaluation date lies ahead is pending
      Given the criterion "feedback" is ">= 4 points" evaluated on "2099-02-02", owned by jonas and miriam
      And "feedback" was measured at 4.5 on "2026-01-30"
      Then the criterion "feedback" is pending

    Scenario: A retired criterion is measured no more
      Given the criterion "feedback" is ">= 4 points" evaluated on "2026-02-02", owned by jonas and miriam
      And kathi retired the criterion "feedback" because "replaced by the survey"
      When jonas measures "feedback" at 4.5
      Then it is refused by the rule "criterion-active"
      And nothing was stored
