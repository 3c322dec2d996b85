"""The staff web console: ``app.py`` (routes, guard), ``views.py`` (the pages),
``auth.py`` (passwords, CSRF), ``sessions.py`` (sessions kept in the store), ``plots.py`` (SVG
charts), ``templates/``."""
