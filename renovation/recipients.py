"""Who gets a renovation notification: the role codes. The members holding them are found
with ``salesite.selectors.members_holding``."""

from __future__ import annotations

REVIEWERS = ["engineering", "cs_lead", "centre_head"]
PATROL_ROLE_FOR_KIND = {
    "front_desk": "front_desk",
    "engineering": "engineering",
    "security": "security",
}
DEPARTMENTS = ["engineering", "security", "cs_lead", "front_desk", "centre_head"]
