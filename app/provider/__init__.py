"""The dashboard, downloads, the self-assessment, challenges and alerts. HTTP in ``views*.py``
(registered by ``create_app``), rules in the plain modules.
"""
