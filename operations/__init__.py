"""operations: 案场服务 — the sales-site service operations (areas and posts, shifts and roster,
service plans, training, marketing events, HQ inspections and their rectification).

Requirement ids (R-…) cited in the modules are listed in docs/requirements.md.
"""
