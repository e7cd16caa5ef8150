"""``python -m eval.gold_counts``: the gold set's counts, as the tables of eval/GOLD.md.

Counts only: no query of either split is printed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from eval.gold import CATEGORIES, SPLITS, GoldCase, load_gold

CATEGORY_NOTES = {
    "direction": "普通の経営者の言葉で悩みを相談 / plain owner talk",
    "colloquial": "くだけた口調・方言・感情的 / casual, dialect, emotional",
    "hiragana": "ほぼひらがな / almost all hiragana",
    "typo": "誤字・誤変換 / typos, wrong kanji conversion",
    "romaji": "ローマ字で相談 / Japanese typed in romaji",
    "english": "英語で相談 / owners writing in English",
    "multi": "1通に2〜3の別々の悩み / two or three problems in one message",
    "fact": "調査の数字・企業事例と支援策（type は各行に）/ survey figures, cases (type per case)",
    "survey": "アンケート調査の項目・割合・順位・年度・回答者 / survey item, share, rank, year, respondents",
    "case": "企業例・支援策（誰が使い、何をし、どうなったか）/ company cases and programs",
    "structure": "文書の構成（戦略の方向性・課題・ビジョン・委員発言）/ the document's structure",
    "followup": "前の発言に続く質問（history つき、type は各行に）/ follow-ups with their history",
    "partial": "一部が文書の範囲外（not_covered）/ partly outside the document",
    "hidden_injection": "相談の中に紛れた指示（absent）/ an instruction hidden in a real question",
    "near_domain": "近いが文書に無い（税・労働法・締切・金額・他の自治体）/ near the domain, not in it",
    "out_of_scope": "雑談・無関係 / unrelated",
    "injection": "指示無視・プロンプト開示・ロールプレイ等 / prompt injection (ja + en)",
}


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    return [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" if i < 2 else "---:" for i in range(len(header))) + "|",
        *("| " + " | ".join(str(v) for v in row) + " |" for row in rows),
    ]


def category_table(cases: Sequence[GoldCase]) -> list[str]:
    per = Counter((c.category, c.split) for c in cases)
    rows = [
        [c, CATEGORY_NOTES[c], sum(per[(c, s)] for s in SPLITS), *(per[(c, s)] for s in SPLITS)]
        for c in CATEGORIES
        if any(per[(c, s)] for s in SPLITS)
    ]
    totals = Counter(c.split for c in cases)
    rows.append(["**total**", "", f"**{len(cases)}**", *(f"**{totals[s]}**" for s in SPLITS)])
    return _table(["category", "内容 / content", "total", *SPLITS], rows)


def breakdown_table(cases: Sequence[GoldCase]) -> list[str]:
    """Question types, languages and follow-ups per split."""
    rows: list[list[object]] = []
    types = sorted(
        {c.question_type for c in cases},
        key=["problem", "survey", "case", "structure", "out_of_scope", "instruction"].index,
    )
    for t in types:
        rows.append(["type", t, *(sum(c.question_type == t and c.split == s for c in cases) for s in SPLITS)])
    for lang in ("ja", "en"):
        rows.append(["lang", lang, *(sum(c.lang == lang and c.split == s for c in cases) for s in SPLITS)])
    for label, test in (
        ("with history", lambda c: bool(c.history)),
        ("with lead", lambda c: bool(c.expected.lead)),
        ("with absent", lambda c: bool(c.expected.absent)),
        ("with not_covered", lambda c: c.expected.not_covered),
        ("declined (in_scope false)", lambda c: not c.expected.in_scope),
    ):
        rows.append(["cases", label, *(sum(bool(test(c)) and c.split == s for c in cases) for s in SPLITS)])
    return _table(["by", "value", *SPLITS], rows)


def main() -> None:
    cases = load_gold()
    print("\n".join([*category_table(cases), "", *breakdown_table(cases)]))


if __name__ == "__main__":
    main()
