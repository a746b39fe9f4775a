"""Users, organisations, services and the audit trail (admins only). HTTP in ``views*.py`` (registered
by ``create_app``), rules in the plain modules.
"""
