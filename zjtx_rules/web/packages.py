"""The rule packages one app serves: each by its policy id, and the default one.

A portal that hosts many policies (a 政策计算器) serves several packages from one app. The
paths without a package id (``/v1/policy``, ``/v1/evaluate``, ``/v1/evaluate/batch``, the
schemas, ``/rules/``) answer for the default package: the bundled one when it is served, else
the first given. With one package that package is the default, and the app answers exactly as
it always has.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from zjtx_rules.errors import UsageError
from zjtx_rules.evaluate.ruleset import RuleSet
from zjtx_rules.expr.check import did_you_mean
from zjtx_rules.package.discovery import DEFAULT_PACKAGE
from zjtx_rules.web.escape import escape_control
from zjtx_rules.web.problems import Problem, json_bytes


def summary(rules: RuleSet) -> dict[str, Any]:
    """A package as ``GET /v1/policies`` lists it: what a picker shows before choosing."""
    p = rules.policy
    return {
        **rules.policy_ref,
        "issuer_zh": p.issuer_zh,
        "issuer_en": p.issuer_en,
        "valid_from": p.valid_from.isoformat(),
        "valid_to": p.valid_to.isoformat(),
    }


class Served:
    """The packages of an app, in the order given, by policy id; ``default`` answers the
    paths without an id. Two packages with one id are a ``UsageError``, as is none."""

    def __init__(self, rulesets: Sequence[RuleSet]) -> None:
        if not rulesets:
            raise UsageError("没有可提供的规则包", "no rule package to serve")
        self.by_id: dict[str, RuleSet] = {}
        for rules in rulesets:
            pid = rules.policy.id
            if pid in self.by_id:
                first = self.by_id[pid].root
                raise UsageError(
                    f"两个规则包的 id 都是 {pid}: {first} 和 {rules.root}",
                    f"two rule packages have the id {pid}: {first} and {rules.root}",
                )
            self.by_id[pid] = rules
        self.default = self.by_id.get(DEFAULT_PACKAGE, rulesets[0])
        # answers that never change, built once
        self.described = {pid: json_bytes(r.describe()) for pid, r in self.by_id.items()}
        self.listing = json_bytes(
            {"policies": [summary(r) for r in self.by_id.values()], "default": self.default.policy.id}
        )

    @property
    def ids(self) -> list[str]:
        return list(self.by_id)

    def __iter__(self) -> Iterator[RuleSet]:
        return iter(self.by_id.values())

    def __len__(self) -> int:
        return len(self.by_id)

    def get(self, pid: str) -> RuleSet:
        """The package with this id, or a 404 problem naming the ids served (and the closest)."""
        rules = self.by_id.get(pid)
        if rules is not None:
            return rules
        served = ", ".join(self.by_id)
        shown = escape_control(pid[:100])
        zh, en = did_you_mean(pid, list(self.by_id))
        hint_zh, hint_en = (f"；{zh}", f"; {en}") if zh else ("", "")
        raise Problem(
            404,
            "Not Found",
            f"没有这个政策: {shown}（本服务提供: {served}）{hint_zh}",
            f"no such policy: {shown} (served: {served}){hint_en}",
        )
