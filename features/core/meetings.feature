Feature: Meetings and demos are recorded from the log: invitation, attendance, outcomes
  A weekly joint status, a steering meeting, a demo: who moderates, who is invited, who
  attended (each confirms it), and what it produced. A meeting ahead is only an invitation.

  Background:
    Given the customer portal initiative sponsored by kathi, with IT and Operations

  Rule: meeting-started

    Scenario: A meeting ahead is scheduled as an invitation
      When jonas schedules the "joint-status" meeting "js-next" for "tomorrow", moderated by jonas, inviting miriam
      Then it is recorded

    Scenario: Attendance is not recorded before the meeting starts
      Given jonas scheduled the "joint-status" meeting "js-next" for "tomorrow", moderated by jonas, inviting miriam
      When jonas records that jonas and miriam attended "js-next"
      Then it is refused by the rule "meeting-started"
      And nothing was stored

    Scenario: Attendance recorded after the start is confirmed by each attendee
      Given jonas scheduled the "joint-status" meeting "js-1" for "2026-01-12T09:00:00+00:00", moderated by jonas, inviting miriam
      And jonas recorded that jonas and miriam attended "js-1"
      When miriam confirms that entry
      Then it is recorded

    Scenario: Attendance is recorded once
      Given jonas scheduled the "joint-status" meeting "js-1" for "2026-01-12T09:00:00+00:00", moderated by jonas, inviting miriam
      And jonas recorded that jonas and miriam attended "js-1"
      When jonas records that jonas attended "js-1"
      Then it is refused by the rule "meeting-started"
      And nothing was stored

    Scenario: What a meeting produced is linked to it
      Given jonas scheduled the "steering" meeting "st-1" for "2026-01-12T09:00:00+00:00", moderated by kathi, inviting jonas, miriam
      And kathi decided "pilot" among "pilot, fixed" in scope "planning" as "d1"
      When jonas records the outcome of "st-1" linking the decision "d1"
      Then it is recorded

  Rule: known-references

    Scenario: A meeting links only entries that exist
      Given jonas scheduled the "steering" meeting "st-1" for "2026-01-12T09:00:00+00:00", moderated by kathi, inviting jonas, miriam
      When jonas records the outcome of "st-1" linking the decision "d-nowhere"
      Then it is refused by the rule "known-references"
      And nothing was stored

  Rule: demo-feedback

    Scenario: Each unit gives its feedback at a demo
      Given jonas scheduled the "demo" meeting "demo-1" for "2026-01-12T09:00:00+00:00", moderated by jonas, inviting miriam
      When jonas records the feedback of "ops" at "demo-1" as "Ordering is stable"
      Then it is recorded

    Scenario: A unit outside the initiative gives no feedback
      Given jonas scheduled the "demo" meeting "demo-1" for "2026-01-12T09:00:00+00:00", moderated by jonas, inviting miriam
      When jonas records the feedback of "finance" at "demo-1" as "Too expensive"
      Then it is refused by the rule "demo-feedback"
      And nothing was stored

    Scenario: Feedback belongs to a demo, not to a joint status
      Given jonas scheduled the "joint-status" meeting "js-1" for "2026-01-12T09:00:00+00:00", moderated by jonas, inviting miriam
      When jonas records the feedback of "ops" at "js-1" as "Fine"
      Then it is refused by the rule "demo-feedback"
      And nothing was stored
