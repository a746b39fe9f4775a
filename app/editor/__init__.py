"""The questionnaire editor in the browser (issue 12, item 4): quality leads and admins change
their organisation's own questionnaires question by question, preview them as a respondent sees
them, and publish. HTTP in ``views*.py`` (registered by ``create_app``); the rules of changing a
draft are in ``editing.py`` and ``questionnaires/own.py``.
"""
