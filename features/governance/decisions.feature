@practice-decisions
Feature: Decisions are taken with options and documented promptly
  A decision records the options considered, rests on a valid mandate, escalation or the
  sponsor, and is written down within a week of being taken, so that months later anyone
  can say who decided what, when, and on whose authority.

  Background:
    Given the decisions of all initiatives

  Rule: Decisions are taken with options, on a valid basis

    Scenario: Each decision weighed real options
      Then each offered at least 2 options

    Scenario: Each decision rests on a basis valid when it took effect
      Then each was taken on a basis valid at its effective time

  Rule: Decisions are documented within a week

    Scenario: Each decision is recorded within 7 days of taking effect
      Then each was recorded within 7 days of taking effect

  Rule: Decisions explain themselves and last

    @warning
    Scenario: Each decision states why
      Then each states a rationale of at least 8 words

    @warning
    Scenario: Decisions are not reversed at once
      Then none was superseded within 7 days of being taken
