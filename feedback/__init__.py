"""feedback: 来访来电、需求建议、投诉、报修、回访与6+2服务步骤.

Requirement ids (R-…) cited in the modules are listed in docs/requirements.md.
"""
