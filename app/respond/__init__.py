"""The respondent journey (no login). HTTP in ``views*.py`` (registered by ``create_app``), rules in
the plain modules.
"""
