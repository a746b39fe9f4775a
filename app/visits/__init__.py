"""Experts by Experience plan visits, hand the tablet over, note what they see and check what the
provider claims (login). HTTP in ``views*.py`` (registered by ``create_app``), rules in the plain
modules.
"""
