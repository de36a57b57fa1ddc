"""The nightly run's record and its report.

`nightly.run` runs named stages in order and records what each did (a failed stage skips only
the stages that need it); `nightly.report` renders that record, the quarantine and the graph's
growth as `report.md` and `report.html`. Which stages exist and how they are wired from settings
is the composition root's job (`riskgraph/nightly.py`).
"""
