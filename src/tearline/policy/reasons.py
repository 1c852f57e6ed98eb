"""The reasons a decision gives, in English and in Japanese.

Each reason is one sentence per language, built from the same facts; the English text is the
one the CLI contract and the audit log rely on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tearline.labels.model import Tier

__all__ = ["LANGUAGES", "Reason", "tier_words"]

#: The languages reasons are written in.
LANGUAGES = ("en", "ja")

_TIER_JA = {
    Tier.UNCLASSIFIED: "秘密区分なし",
    Tier.CONTROLLED: "取扱注意相当",
    Tier.RESTRICTED: "部外秘相当",
    Tier.CONFIDENTIAL: "秘相当",
    Tier.SECRET: "極秘相当",
    Tier.TOP_SECRET: "機密相当",
}
_ACTION_JA = {"read": "閲覧", "export": "持ち出し", "release": "提供"}
_STATUS_JA = {"revoked": "取り消されています", "suspended": "停止されています"}


def _verbs(action: str) -> tuple[str, str]:
    """What the reader does with the item, in English and Japanese."""
    return ("read", "閲覧") if action == "read" else ("receive", "受領")


def tier_words(tier: Tier, language: str) -> str:
    """A tier's name for a reader: ``SECRET``, ``SECRET（極秘相当）``."""
    return tier.title if language == "en" else f"{tier.title}（{_TIER_JA[tier]}）"


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason, under the id of the rule that gave it, in every language."""

    rule: str
    en: str
    ja: str

    def text(self, language: str) -> str:
        """The reason in ``language`` (``en`` or ``ja``)."""
        return self.ja if language == "ja" else self.en

    def from_origin(self, marking: str) -> Reason:
        """This reason, found on the marking a translated label was carried from."""
        return Reason(
            self.rule,
            f"original marking {marking}: {self.en}",
            f"元の表示 {marking}：{self.ja}",
        )

    # ------------------------------------------------------------------ clearance
    @classmethod
    def status(cls, status: str) -> Reason:
        return cls(
            "clearance.status", f"clearance is {status}", f"クリアランスは{_STATUS_JA[status]}"
        )

    @classmethod
    def expired(cls, rule: str, what: str, when: date) -> Reason:
        ja = "クリアランス" if what == "clearance" else f"権限 {what.split()[-1]} "
        return cls(
            rule, f"{what} expired {when.isoformat()}", f"{ja}は{when.isoformat()}に失効しました"
        )

    @classmethod
    def unknown_level(cls, level: str, scheme: str) -> Reason:
        return cls(
            "clearance.level",
            f"clearance {level!r} is not a level of scheme {scheme!r}",
            f"クリアランス「{level}」は区分体系「{scheme}」の等級ではありません",
        )

    @classmethod
    def no_agreement(cls, held: str, label: str) -> Reason:
        return cls(
            "clearance.agreement",
            f"no agreement connects {held} and {label}: {held} clearances do not reach "
            f"{label} labels",
            f"{held}と{label}を結ぶ協定がないため、{held}のクリアランスは{label}の区分に及びません",
        )

    @classmethod
    def unconfirmed(cls, title: str, held: str, label: str) -> Reason:
        return cls(
            "clearance.agreement",
            f"the equivalence table of {title} is not confirmed: {held} clearances do not "
            f"yet reach {label} labels",
            f"{title}の対応表は未確認のため、{held}のクリアランスはまだ{label}の区分に及びません",
        )

    @classmethod
    def level(cls, words: str, tier: Tier, covers: bool) -> Reason:
        if covers:
            return cls(
                "clearance.level",
                f"clearance {words} covers {tier_words(tier, 'en')}",
                f"クリアランス {words} は{tier_words(tier, 'ja')}を満たしています",
            )
        return cls(
            "clearance.level",
            f"clearance {words} is below {tier_words(tier, 'en')}",
            f"クリアランス {words} は{tier_words(tier, 'ja')}に達していません",
        )

    # ------------------------------------------------------------------ release
    @classmethod
    def unrestricted(cls) -> Reason:
        return cls("release.nationality", "release is unrestricted", "提供先の制限はありません")

    @classmethod
    def may(cls, nation: str, action: str, words: str) -> Reason:
        verb, verb_ja = _verbs(action)
        return cls(
            "release.nationality",
            f"{nation} may {verb} it ({words})",
            f"{nation}は{verb_ja}できます（{words}）",
        )

    @classmethod
    def not_listed(cls, nations: list[str], words: str) -> Reason:
        en = (
            f"{nations[0]} is not in {words}"
            if len(nations) == 1
            else f"none of {', '.join(nations)} is in {words}"
        )
        return cls("release.nationality", en, f"{'、'.join(nations)}は{words}に含まれていません")

    @classmethod
    def owner_only(cls, words_en: str, words_ja: str, nations: list[str], action: str) -> Reason:
        verb, verb_ja = _verbs(action)
        return cls(
            "release.nationality",
            f"{words_en}; {' or '.join(nations)} may not {verb} it",
            f"{words_ja}。{'、'.join(nations)}は{verb_ja}できません",
        )

    @classmethod
    def display_only(cls, nation: str, display: str, action: str) -> Reason:
        if action == "read":
            return cls(
                "release.display-only",
                f"{nation} may be shown it but not given it ({display})",
                f"{nation}は表示のみ可能で、提供は受けられません（{display}）",
            )
        return cls(
            "release.display-only",
            f"{nation} may only be shown it ({display}); {action} is refused",
            f"{nation}は表示のみ可能です（{display}）。{_ACTION_JA[action]}はできません",
        )

    # ------------------------------------------------------------------ access and controls
    @classmethod
    def access(cls, expression: str, missing: list[str]) -> Reason:
        if not missing:
            return cls(
                "access.expression",
                f"authorizations satisfy {expression}",
                f"権限は {expression} を満たしています",
            )
        return cls(
            "access.expression",
            f"access requires {expression}; missing {', '.join(missing)}",
            f"アクセスには {expression} が必要です（不足: {', '.join(missing)}）",
        )

    @classmethod
    def access_too_complex(cls, expression: str) -> Reason:
        shown = expression if len(expression) <= 80 else expression[:79] + "…"
        return cls(
            "access.expression",
            f"access requires {shown}, which has too many alternatives to check; denied",
            f"アクセス条件 {shown} は選択肢が多すぎて判定できないため、拒否します",
        )

    @classmethod
    def control(cls, token: str, banner: str, action: str) -> Reason:
        return cls(
            f"control.{token}",
            f"{banner}: {action} needs the originator's approval",
            f"{banner}: {_ACTION_JA[action]}には発信者の承認が必要です",
        )
