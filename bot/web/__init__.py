"""The staff web console: ``app.py`` (routes, session, guard), ``views.py`` (the pages),
``auth.py`` (passwords, CSRF), ``plots.py`` (SVG charts), ``templates/``."""
