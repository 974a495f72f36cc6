@practice-attestation
Feature: The people named speak for themselves
  What the record says someone decided, agreed or reported, they confirm under their own login,
  within a week; until then it is only the recorder's claim. No one named disputes the record.

  Rule: Claims are confirmed within a week

    Scenario: Each decision is confirmed by all its deciders within 7 days
      Given the decisions of all initiatives
      Then each was confirmed by everyone it names within 7 days

    Scenario: Each goal change is confirmed by everyone agreeing within 7 days
      Given the goal changes of all initiatives
      Then each was confirmed by everyone it names within 7 days

    Scenario: Each joint status report is confirmed by its reporters within 7 days
      Given the status reports of all initiatives
      Then each was confirmed by everyone it names within 7 days

  Rule: No one named disputes the record

    Scenario: No entry is disputed
      Given every initiative
      Then no entry was disputed
