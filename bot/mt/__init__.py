"""Offline machine translation: ``argos.py`` translates, ``models.py`` installs the models."""
