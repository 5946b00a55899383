"""communication: 与地产方的日、周、月、季度沟通，内部讲评与周志月志.

Requirement ids (R-…) cited in the modules are listed in docs/requirements.md.
"""
