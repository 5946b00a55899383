"""owners: the owner portal (业主端) — owners and registered tenants log in on a phone with an SMS
code and see their own units and records (issue 14). The core imports nothing of it."""
