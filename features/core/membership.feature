Feature: Who records in an initiative
  An initiative's leads and members record in it; observers and outsiders do not. The sponsor, the
  escalation path and the tandem partners are leads by their place; leads admit and dismiss the rest.

  Background:
    Given the customer portal initiative sponsored by kathi, with IT and Operations

  Rule: initiative-membership

    Scenario: A member records a status report
      When jonas reports the joint status "Pilot prepared"
      Then it is recorded

    Scenario: A person from an unrelated unit, never admitted, cannot record
      When fred reports the joint status "All fine"
      Then it is refused by the rule "initiative-membership"
      And nothing was stored

    Scenario: An observer reads but does not record
      Given kathi admits fred as observer
      When fred reports the joint status "All fine"
      Then it is refused by the rule "initiative-membership"
      And nothing was stored

    Scenario: A dismissed member no longer records
      Given kathi dismisses lena because "moved to another project"
      When lena reports the joint status "Still here"
      Then it is refused by the rule "initiative-membership"
      And nothing was stored

  Rule: lead-action

    Scenario: The sponsor admits a member
      When kathi admits fred as member
      Then it is recorded

    Scenario: A member cannot admit anyone
      When jonas admits fred as member
      Then it is refused by the rule "lead-action"
      And nothing was stored

    Scenario: A member cannot close the initiative
      When jonas closes the initiative with the outcome "Done"
      Then it is refused by the rule "lead-action"
      And nothing was stored

    Scenario: A member cannot dissolve the tandem
      Given jonas and miriam lead as the tandem
      When thomas dissolves the tandem because "a better pair"
      Then it is refused by the rule "lead-action"
      And nothing was stored

    Scenario: A tandem partner is a lead by their place and admits people
      Given jonas and miriam lead as the tandem
      When miriam admits fred as observer
      Then it is recorded

  Rule: member-admission

    Scenario: The sponsor is a lead by place and is not admitted
      When kathi admits kathi as member
      Then it is refused by the rule "member-admission"
      And nothing was stored

  Rule: member-dismissal

    Scenario: A lead by place cannot be dismissed
      When kathi dismisses petra because "not needed"
      Then it is refused by the rule "member-dismissal"
      And nothing was stored

    Scenario: A member is dismissed once
      Given kathi dismisses lena because "moved to another project"
      When kathi dismisses lena because "again"
      Then it is refused by the rule "member-dismissal"
      And nothing was stored
