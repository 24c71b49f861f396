"""zjtx_rules: executable, auditable rules for industrial policy (专精特新 and the like).

Load a rule package once, then evaluate enterprise profiles::

    import zjtx_rules
    rules = zjtx_rules.load_rules()            # the bundled Liangjiang package
    result = rules.evaluate(profile_json, as_of="2025-06-30")
    print(result.to_json())
"""

from importlib.metadata import PackageNotFoundError, version

from .casefile import CaseResult as CaseResult
from .casefile import run_cases as run_cases
from .engine import RuleSet as RuleSet
from .errors import Diagnostic as Diagnostic
from .errors import EvaluationError as EvaluationError
from .errors import Location as Location
from .errors import ProfileError as ProfileError
from .errors import ProfileIssue as ProfileIssue
from .errors import RuleError as RuleError
from .errors import UsageError as UsageError
from .errors import ZjtxError as ZjtxError
from .loader import load_rules as load_rules
from .profile import parse_json as parse_json
from .result import CriterionOutcome as CriterionOutcome
from .result import Evaluation as Evaluation
from .result import MeasureOutcome as MeasureOutcome
from .result import Reason as Reason
from .result import TierOutcome as TierOutcome

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
