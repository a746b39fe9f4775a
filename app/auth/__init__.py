"""Sign in, sign out, roles. HTTP in ``views*.py`` (registered by ``create_app``), rules in the plain
modules.
"""
