"""Telegram: ``app.py`` wires the Application, ``bot.py`` holds the handlers, ``staffdesk.py``
the handoff and council flows, ``render.py`` turns core text into Telegram HTML,
``callbacks.py`` signs button data, ``updates.py`` delivers each update once and in order."""
