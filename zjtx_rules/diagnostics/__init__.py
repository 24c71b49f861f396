"""The catalogue of diagnostics: one entry per code, named at every place that reports it.

Each entry (``Entry``) holds a stable code (``E203``), a slug (``unknown-name``), a severity,
its message templates in Chinese and English and a paragraph of documentation in each
language: what the code means and how to fix it. Call sites name the entry and give the
values (``loader.report(D.UNKNOWN_NAME(name=name), site)``); no code is written as a string
anywhere else (a test greps the source). ``index.markdown()`` is the error index of
``rules/README.md``, written by ``python -m zjtx_rules.diagnostics --write rules/README.md``.

Codes by hundreds: ``E1xx`` files, schema, expression syntax and declarations (the likely
causes of what follows, listed first); ``E2xx`` names; ``E3xx`` types and sense; ``E4xx``
tables, periods and the graph of references; ``E6xx`` invariants; ``W5xx`` assumptions;
``W7xx`` warnings of an evaluation result; ``W8xx`` a package's loose ends.
"""

from zjtx_rules.diagnostics import checks, declarations, names, reading, structure, syntax, warning_codes
from zjtx_rules.diagnostics.checks import ALWAYS_READS_PAYMENT as ALWAYS_READS_PAYMENT
from zjtx_rules.diagnostics.checks import ALWAYS_TRUE as ALWAYS_TRUE
from zjtx_rules.diagnostics.checks import BAD_PARAMETER as BAD_PARAMETER
from zjtx_rules.diagnostics.checks import BAD_PRECISION as BAD_PRECISION
from zjtx_rules.diagnostics.checks import BAD_SUMMARY as BAD_SUMMARY
from zjtx_rules.diagnostics.checks import INVARIANT_USES_FACTS as INVARIANT_USES_FACTS
from zjtx_rules.diagnostics.checks import MISPLACED_FUNCTION as MISPLACED_FUNCTION
from zjtx_rules.diagnostics.checks import NEVER_TRUE as NEVER_TRUE
from zjtx_rules.diagnostics.checks import TYPE_MISMATCH as TYPE_MISMATCH
from zjtx_rules.diagnostics.checks import WRONG_ARITY as WRONG_ARITY
from zjtx_rules.diagnostics.declarations import ASSUMPTION_WITHOUT_NOTE as ASSUMPTION_WITHOUT_NOTE
from zjtx_rules.diagnostics.declarations import BAD_BOUNDS as BAD_BOUNDS
from zjtx_rules.diagnostics.declarations import BAD_CRITERION as BAD_CRITERION
from zjtx_rules.diagnostics.declarations import BAD_FACT as BAD_FACT
from zjtx_rules.diagnostics.declarations import BAD_SOURCE_TEXT as BAD_SOURCE_TEXT
from zjtx_rules.diagnostics.declarations import COUNT_NOT_IN_QUOTE as COUNT_NOT_IN_QUOTE
from zjtx_rules.diagnostics.declarations import FACTS_UNBUILDABLE as FACTS_UNBUILDABLE
from zjtx_rules.diagnostics.declarations import MISSING_CHINESE as MISSING_CHINESE
from zjtx_rules.diagnostics.declarations import NO_SOURCE as NO_SOURCE
from zjtx_rules.diagnostics.declarations import NOTE_WITHOUT_ASSUMPTION as NOTE_WITHOUT_ASSUMPTION
from zjtx_rules.diagnostics.declarations import QUOTE_NOT_IN_SOURCE as QUOTE_NOT_IN_SOURCE
from zjtx_rules.diagnostics.declarations import TABLE_INPUT_CHOICES as TABLE_INPUT_CHOICES
from zjtx_rules.diagnostics.declarations import UNBOUNDED_NUMBER as UNBOUNDED_NUMBER
from zjtx_rules.diagnostics.entry import Entry as Entry
from zjtx_rules.diagnostics.entry import Form as Form
from zjtx_rules.diagnostics.entry import Message as Message
from zjtx_rules.diagnostics.entry import Words as Words
from zjtx_rules.diagnostics.names import BAD_NAME as BAD_NAME
from zjtx_rules.diagnostics.names import BAD_OUTPUT_TABLE as BAD_OUTPUT_TABLE
from zjtx_rules.diagnostics.names import DUPLICATE_NAME as DUPLICATE_NAME
from zjtx_rules.diagnostics.names import UNKNOWN_ASSUMPTION as UNKNOWN_ASSUMPTION
from zjtx_rules.diagnostics.names import UNKNOWN_BENEFIT as UNKNOWN_BENEFIT
from zjtx_rules.diagnostics.names import UNKNOWN_CHOICE as UNKNOWN_CHOICE
from zjtx_rules.diagnostics.names import UNKNOWN_FIELD as UNKNOWN_FIELD
from zjtx_rules.diagnostics.names import UNKNOWN_FUNCTION as UNKNOWN_FUNCTION
from zjtx_rules.diagnostics.names import UNKNOWN_HEADLINE as UNKNOWN_HEADLINE
from zjtx_rules.diagnostics.names import UNKNOWN_LABEL_CHOICE as UNKNOWN_LABEL_CHOICE
from zjtx_rules.diagnostics.names import UNKNOWN_NAME as UNKNOWN_NAME
from zjtx_rules.diagnostics.names import UNKNOWN_SECTION as UNKNOWN_SECTION
from zjtx_rules.diagnostics.names import UNKNOWN_SOURCE as UNKNOWN_SOURCE
from zjtx_rules.diagnostics.names import UNKNOWN_TEMPLATE_NAME as UNKNOWN_TEMPLATE_NAME
from zjtx_rules.diagnostics.reading import BAD_CASE as BAD_CASE
from zjtx_rules.diagnostics.reading import BAD_VALUE as BAD_VALUE
from zjtx_rules.diagnostics.reading import FILE_TOO_LARGE as FILE_TOO_LARGE
from zjtx_rules.diagnostics.reading import MISSING_KEY as MISSING_KEY
from zjtx_rules.diagnostics.reading import NO_POLICY as NO_POLICY
from zjtx_rules.diagnostics.reading import NOT_A_FILE as NOT_A_FILE
from zjtx_rules.diagnostics.reading import NUMBER_OUT_OF_RANGE as NUMBER_OUT_OF_RANGE
from zjtx_rules.diagnostics.reading import NUMBER_TOO_LONG as NUMBER_TOO_LONG
from zjtx_rules.diagnostics.reading import PACKAGE_TOO_LARGE as PACKAGE_TOO_LARGE
from zjtx_rules.diagnostics.reading import TOML_SYNTAX as TOML_SYNTAX
from zjtx_rules.diagnostics.reading import TOML_TOO_DEEP as TOML_TOO_DEEP
from zjtx_rules.diagnostics.reading import TOO_MANY_KEYS as TOO_MANY_KEYS
from zjtx_rules.diagnostics.reading import UNKNOWN_KEY as UNKNOWN_KEY
from zjtx_rules.diagnostics.reading import UNREADABLE as UNREADABLE
from zjtx_rules.diagnostics.structure import BAD_CHANGES as BAD_CHANGES
from zjtx_rules.diagnostics.structure import BAD_PERIOD as BAD_PERIOD
from zjtx_rules.diagnostics.structure import BAD_ROW as BAD_ROW
from zjtx_rules.diagnostics.structure import CHAIN_TOO_DEEP as CHAIN_TOO_DEEP
from zjtx_rules.diagnostics.structure import CYCLE as CYCLE
from zjtx_rules.diagnostics.structure import DUPLICATE_CLAUSE as DUPLICATE_CLAUSE
from zjtx_rules.diagnostics.structure import DUPLICATE_ORDER as DUPLICATE_ORDER
from zjtx_rules.diagnostics.structure import INVARIANT_FAILED as INVARIANT_FAILED
from zjtx_rules.diagnostics.structure import NO_VALUE_IN_PERIOD as NO_VALUE_IN_PERIOD
from zjtx_rules.diagnostics.structure import OVERLAPPING_ROWS as OVERLAPPING_ROWS
from zjtx_rules.diagnostics.structure import TABLE_GAP as TABLE_GAP
from zjtx_rules.diagnostics.structure import TOO_MANY_CELLS as TOO_MANY_CELLS
from zjtx_rules.diagnostics.structure import VALUE_BEFORE_PERIOD as VALUE_BEFORE_PERIOD
from zjtx_rules.diagnostics.syntax import BAD_CHARACTER as BAD_CHARACTER
from zjtx_rules.diagnostics.syntax import BAD_DATE as BAD_DATE
from zjtx_rules.diagnostics.syntax import CHAIN_TOO_LONG as CHAIN_TOO_LONG
from zjtx_rules.diagnostics.syntax import EXPR_TOO_DEEP as EXPR_TOO_DEEP
from zjtx_rules.diagnostics.syntax import EXPR_TOO_LONG as EXPR_TOO_LONG
from zjtx_rules.diagnostics.syntax import LITERAL_TOO_LARGE as LITERAL_TOO_LARGE
from zjtx_rules.diagnostics.syntax import SYNTAX as SYNTAX
from zjtx_rules.diagnostics.warning_codes import ASSUMPTION as ASSUMPTION
from zjtx_rules.diagnostics.warning_codes import BAD_CHECK_CHARACTER as BAD_CHECK_CHARACTER
from zjtx_rules.diagnostics.warning_codes import DATES_OUT_OF_ORDER as DATES_OUT_OF_ORDER
from zjtx_rules.diagnostics.warning_codes import MISSING_ENGLISH as MISSING_ENGLISH
from zjtx_rules.diagnostics.warning_codes import NO_CHINESE_FORM as NO_CHINESE_FORM
from zjtx_rules.diagnostics.warning_codes import NO_PARAMETER_VALUE as NO_PARAMETER_VALUE
from zjtx_rules.diagnostics.warning_codes import OUTSIDE_POLICY_PERIOD as OUTSIDE_POLICY_PERIOD
from zjtx_rules.diagnostics.warning_codes import READING_APPLIED as READING_APPLIED
from zjtx_rules.diagnostics.warning_codes import REPEATED_ID as REPEATED_ID
from zjtx_rules.diagnostics.warning_codes import UNUSED as UNUSED
from zjtx_rules.diagnostics.warning_codes import UNUSED_SOURCE as UNUSED_SOURCE

_STAGES = (reading, syntax, declarations, names, checks, structure, warning_codes)

CATALOGUE: dict[str, Entry] = dict(
    sorted((e.code, e) for stage in _STAGES for e in vars(stage).values() if isinstance(e, Entry))
)


def entry(code: str) -> Entry:
    """The entry of ``code`` (``KeyError`` for a code the catalogue lacks)."""
    return CATALOGUE[code]
