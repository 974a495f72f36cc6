@practice-escalation
Feature: Escalate early, with options, and get an answer
  When the tandem cannot resolve opposing priorities it escalates early to the next level,
  bringing options. Each level answers by the due date, or the escalation moves up.

  Background:
    Given the escalations of all initiatives

  Scenario: Each escalation brings options, not blame
    Then each offered at least 2 options

  Scenario: Each level answers by its due date or forwards
    Then each was answered by its due date, or forwarded

  Scenario Outline: No escalation waits <days> days at one level
    Then each was answered within <days> days at its level, or forwarded

    Examples: the sponsor answers within a week
      | days |
      | 7    |

  @warning
  Scenario: No escalation drags on
    Then none stayed open longer than 21 days
