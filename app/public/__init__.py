"""Published self-assessments and the "Challenge this" form (no sign-in). HTTP in ``views*.py``
(registered by ``create_app``), rules in the plain modules.
"""
