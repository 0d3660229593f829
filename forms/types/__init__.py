"""The question types esmon knows, by the name a definition gives in ``type:``.

The registry is built, and every class checked (``forms.types.base.check_type_class``), when
this package is imported: a type class that lacks a required attribute stops the application
from starting instead of failing on some page later.
"""

from __future__ import annotations

from forms.types.base import (
    COMMENT_PREFIX,
    COMMON_KEYS,
    FIELD_PREFIX,
    NUMBER_KINDS,
    VALUE_KINDS,
    WIDGETS,
    QuestionType,
    QuestionTypeError,
    Untyped,
    build_registry,
    comment_field_name,
    field_name,
)
from forms.types.calculated import CalculatedType
from forms.types.choices import (
    DeclarationType,
    MultipleChoiceType,
    SingleChoiceType,
    YesNoType,
)
from forms.types.dates import DateType
from forms.types.note import NoteType
from forms.types.numbers import DecimalType, IntegerType, MoneyType, PercentType
from forms.types.table import TableType
from forms.types.territory import TerritoryType
from forms.types.text import (
    EmailType,
    KrsType,
    NipType,
    PhoneType,
    RegonType,
    TextareaType,
    TextType,
)

#: every type class, in the order ``survey_defs/README.md`` lists them
TYPE_CLASSES: list[type[QuestionType]] = [
    IntegerType, DecimalType, MoneyType, PercentType,
    TextType, TextareaType, EmailType, PhoneType, RegonType, NipType, KrsType,
    DateType,
    YesNoType, SingleChoiceType, MultipleChoiceType, DeclarationType,
    TerritoryType,
    NoteType,
    CalculatedType,
    TableType,
]
#: type name → its (stateless) instance; the loader accepts exactly these names
QUESTION_TYPES: dict[str, QuestionType] = build_registry(TYPE_CLASSES)

__all__ = [
    "COMMENT_PREFIX", "COMMON_KEYS", "FIELD_PREFIX", "NUMBER_KINDS", "QUESTION_TYPES",
    "TYPE_CLASSES", "VALUE_KINDS", "WIDGETS", "QuestionType", "QuestionTypeError", "Untyped",
    "comment_field_name", "field_name",
]
