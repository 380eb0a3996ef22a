"""The web face (issue 18): static files and the vendored front-end libraries.

For now this package holds only the front-end libraries that the web app and the reports
load (:mod:`foedus.web.vendor`); the app itself comes later.
"""
