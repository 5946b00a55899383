"""Cross-app dashboard (R-DASH-1) and "my work" (R-DASH-2).

The core knows no app: each app registers its read-only providers in ``AppConfig.ready()``
(see ``registry``), and the views here only collect, sort and render what they return.
"""
