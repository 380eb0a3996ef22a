"""Reports: self-contained HTML pages (charts inline as SVG, styles inline, nothing loaded
at view time) drawn from the lenses' answers with the shared builders of
:mod:`foedus.charts`; optionally printed to PDF by headless chromium.

- :func:`~foedus.report.scenario.scenario_report` — one crisis scenario;
- :func:`~foedus.report.compare.compare_report` — a counterfactual, base against
  alternative;
- :func:`~foedus.report.library.library_report` — every case of a folder, sortable;
- :func:`~foedus.report.burden.burden_report_html` — burden sharing in an alliance;
- :func:`~foedus.report.replications.replications_report` — the replication suite;
- :func:`~foedus.report.answer.publish` — write one atomically (and its PDF), the
  ``--json`` answer ``{"out", "bytes", "provenance"}``.

``burden_plots`` and ``scenario_plots`` keep the PNG figures of ``--plot`` options, drawn
by the same builders.
"""
