"""renovation: 装修申请、审核、协议、收费、巡查、验收与押金退还.

Requirement ids (R-…) cited in the modules are listed in docs/requirements.md.
"""
