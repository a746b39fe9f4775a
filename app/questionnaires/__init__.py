"""Survey definitions: files in surveys/ -> validated, versioned objects."""

from .loader import LoadResult, SurveyError, load_all
from .schema import FACES, WORRYING_VALUES, YES_NO, Framework, Option, Question, Questionnaire

__all__ = [
    "FACES",
    "WORRYING_VALUES",
    "YES_NO",
    "Framework",
    "LoadResult",
    "Option",
    "Question",
    "Questionnaire",
    "SurveyError",
    "load_all",
]
