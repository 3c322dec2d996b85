"""Opastin: multilingual low-threshold guidance for immigrants in Kajaani and Kainuu-Koillismaa.

The package imports nothing itself, so ``import bot.errors`` stays cheap. Start reading at
``bot/core.py``; ``bot/app.py`` is where everything is built; ARCHITECTURE.md follows one message.
"""
