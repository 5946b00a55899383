"""handover: 交付批次、交付前计划、模拟验收、交接房屋与入住.

Requirement ids (R-…) cited in the modules are listed in docs/requirements.md.
"""
