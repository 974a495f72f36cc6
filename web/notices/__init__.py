"""Notices that reach people: the texts (in the addressee's language), email over SMTP, signed
webhooks, Atom feeds, and the pass that claims, sends and records each notice once
(docs/notices.md)."""
