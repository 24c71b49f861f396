"""zjtx_rules: executable, auditable rules for industrial policy (专精特新 and the like).

Load a rule package once, then evaluate enterprise profiles::

    import zjtx_rules
    rules = zjtx_rules.load_rules()            # the bundled Liangjiang package
    result = rules.evaluate(profile_json, as_of="2025-06-30")
    print(result.to_json())
"""

from importlib.metadata import PackageNotFoundError, version

from zjtx_rules.errors import Diagnostic as Diagnostic
from zjtx_rules.errors import EvaluationError as EvaluationError
from zjtx_rules.errors import Location as Location
from zjtx_rules.errors import ProfileError as ProfileError
from zjtx_rules.errors import ProfileIssue as ProfileIssue
from zjtx_rules.errors import RuleError as RuleError
from zjtx_rules.errors import UsageError as UsageError
from zjtx_rules.errors import ZjtxError as ZjtxError
from zjtx_rules.evaluate.result import CriterionOutcome as CriterionOutcome
from zjtx_rules.evaluate.result import Evaluation as Evaluation
from zjtx_rules.evaluate.result import MeasureOutcome as MeasureOutcome
from zjtx_rules.evaluate.result import Reason as Reason
from zjtx_rules.evaluate.result import TierOutcome as TierOutcome
from zjtx_rules.evaluate.ruleset import RuleSet as RuleSet
from zjtx_rules.evaluate.ruleset import load_rules as load_rules
from zjtx_rules.profile.model import parse_json as parse_json
from zjtx_rules.quality.cases import CaseResult as CaseResult
from zjtx_rules.quality.cases import run_cases as run_cases

try:
    __version__ = version("zjtx_rules")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "CaseResult",
    "CriterionOutcome",
    "Diagnostic",
    "Evaluation",
    "EvaluationError",
    "Location",
    "MeasureOutcome",
    "ProfileError",
    "ProfileIssue",
    "Reason",
    "RuleError",
    "RuleSet",
    "TierOutcome",
    "UsageError",
    "ZjtxError",
    "__version__",
    "load_rules",
    "parse_json",
    "run_cases",
]
