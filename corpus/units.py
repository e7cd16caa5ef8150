"""Locate every quoted unit of the structured document in the source text.

A unit is one contiguous passage (a direction item, a remark, a survey table …) with its
span; chunks and citations are built from units, so a citation always points at text
that really is in the source. Anything that cannot be found is a CorpusError.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from corpus.errors import CorpusError
from corpus.models import Document, PercentRow
from corpus.source import SourceText, Span, compact

DIRECTIONS_LABEL = "取組の方向性"  # the vertical label 取/組/の/方/向/性, whitespace removed


@dataclass(frozen=True)
class Unit:
    kind: str
    field: str  # where it sits in document.yaml, for error messages and debugging
    text: str  # the quote as structured (single line)
    span: Span
    strategy: str = ""
    direction: str = ""
    case: str = ""
    programs: tuple[str, ...] = field(default_factory=tuple)
    extra: str = ""  # e.g. the survey table id or the pillar name
    position: int = 0  # index within its list in document.yaml


class _Locator:
    def __init__(self, source: SourceText, file: str) -> None:
        self.source = source
        self.file = file

    def find(
        self, quote: str, where: str, start: int = 0, end: int | None = None, occurrence: int = 1
    ) -> Span:
        span = self.source.locate(quote, start, end, occurrence)
        if span is None:
            raise CorpusError(self.file, where, f"text not found in the source: {quote!r}")
        return span

    def find_row(self, row: PercentRow, where: str, start: int) -> Span:
        """A label followed closely by its percentage (either % or ％)."""
        label = self.find(row.label, f"{where}.label", start)
        hay, offsets = self.source._index  # compact text and offsets
        pos = self.source.offset_to_compact(label.end)
        window = hay[pos : pos + 40]
        match = re.search(rf"(?<!\d){row.percent}[%％]", window)
        if match is None:
            raise CorpusError(self.file, f"{where}.percent", f"{row.percent}% not found after {row.label!r}")
        return Span(label.start, offsets[pos + match.end() - 1] + 1)

    def each(
        self, kind: str, field: str, texts: list[str], start: int = 0, end: int | None = None, **tags: Any
    ) -> list[Unit]:
        """One located unit per text of a list, ``field[j]`` naming each in errors."""
        return [
            Unit(
                kind, f"{field}[{j}]", text, self.find(text, f"{field}[{j}]", start, end), position=j, **tags
            )
            for j, text in enumerate(texts)
        ]

    def rows(self, rows: list[PercentRow], field: str, cursor: int) -> Span:
        """The span from a table's first row to its last, read in order from ``cursor``."""
        spans = []
        for k, row in enumerate(rows):
            spans.append(self.find_row(row, f"{field}[{k}]", cursor))
            cursor = spans[-1].end
        return Span(spans[0].start, spans[-1].end)


def extract_units(doc: Document, source: SourceText, file: str) -> list[Unit]:
    loc = _Locator(source, file)
    units: list[Unit] = []
    ba = doc.basic_approach
    units.append(
        Unit("approach", "basic_approach.summary", ba.summary, loc.find(ba.summary, "basic_approach.summary"))
    )
    for i, pillar in enumerate(ba.pillars):
        units += loc.each("pillar", f"basic_approach.pillars[{i}].points", pillar.points, extra=pillar.name)

    vc = doc.vision_changes
    vc_start = loc.find(vc.heading, "vision_changes.heading")
    units.extend(_strategy_units(doc, loc, vc_start.start))
    units += loc.each("open_question", "vision_changes.open_questions", vc.open_questions)
    for name in ("need", "built_in"):
        text = getattr(vc, name)
        units.append(
            Unit("vision_change", f"vision_changes.{name}", text, loc.find(text, f"vision_changes.{name}"))
        )

    units.extend(_case_units(doc, loc))
    units.extend(_program_units(doc, loc))
    units.extend(_survey_units(doc, loc))
    return units


def _strategy_units(doc: Document, loc: _Locator, end_of_strategies: int) -> list[Unit]:
    units: list[Unit] = []
    heads = [loc.find(s.heading, f"strategies[{i}].heading") for i, s in enumerate(doc.strategies)]
    bounds = [h.start for h in heads] + [end_of_strategies]
    vision_cursor = 0
    for i, strat in enumerate(doc.strategies):
        start, end = bounds[i], bounds[i + 1]
        base = f"strategies[{i}]"
        num = strat.numeral
        label = loc.find(DIRECTIONS_LABEL, f"{base} (the 取組の方向性 label)", start, end)
        units += loc.each("issue", f"{base}.issues", strat.issues, start, end, strategy=num)
        for j, direction in enumerate(strat.directions):
            where = f"{base}.directions[{j}]"
            title_span = loc.find(direction.title, f"{where}.title", label.end, end)
            units.append(
                Unit(
                    "direction_title",
                    f"{where}.title",
                    direction.title,
                    title_span,
                    strategy=num,
                    direction=direction.title,
                )
            )
            units += loc.each(
                "direction_item",
                f"{where}.items",
                direction.items,
                label.end,
                end,
                strategy=num,
                direction=direction.title,
            )
        units += loc.each("remark", f"{base}.remarks", strat.remarks, start, end, strategy=num)
        for j, vd in enumerate(strat.vision_directions):
            # ①–⑤ repeat across strategies, so they are read in document order.
            span = loc.find(vd, f"{base}.vision_directions[{j}]", vision_cursor)
            vision_cursor = span.end
            units.append(Unit("vision_direction", f"{base}.vision_directions[{j}]", vd, span, strategy=num))
        units += loc.each("movement", f"{base}.new_movements", strat.new_movements, strategy=num)
    return units


def _case_units(doc: Document, loc: _Locator) -> list[Unit]:
    units: list[Unit] = []
    for i, case in enumerate(doc.cases):
        base = f"cases[{i}]"
        progs = tuple(case.programs)
        if compact(case.label) != compact(f"{case.company}（{case.ward}）"):
            raise CorpusError(loc.file, f"{base}.label", "must be company（ward）")
        units.append(
            Unit(
                "case_label",
                f"{base}.label",
                case.label,
                loc.find(case.label, f"{base}.label"),
                case=case.company,
                programs=progs,
            )
        )
        units += loc.each(
            "case_business", f"{base}.business", case.business, case=case.company, programs=progs
        )
        for j, action in enumerate(case.actions):
            where = f"{base}.actions[{j}].text"
            units.append(
                Unit(
                    "case_action",
                    where,
                    action.text,
                    loc.find(action.text, where),
                    case=case.company,
                    programs=tuple(action.programs),
                )
            )
        units += loc.each("case_result", f"{base}.results", case.results, case=case.company, programs=progs)
        units += loc.each(
            "case_caption", f"{base}.captions", case.captions, case=case.company, programs=progs
        )
        span = loc.find(case.program_list, f"{base}.program_list", occurrence=case.program_list_occurrence)
        if compact(case.program_list) != compact("".join(case.programs)):
            raise CorpusError(loc.file, f"{base}.program_list", "must list exactly the case's programs")
        units.append(
            Unit(
                "case_programs",
                f"{base}.program_list",
                "、".join(case.programs),
                span,
                case=case.company,
                programs=progs,
            )
        )
    return units


def _program_units(doc: Document, loc: _Locator) -> list[Unit]:
    units: list[Unit] = []
    for i, program in enumerate(doc.programs):
        where = f"programs[{i}]"
        units.append(
            Unit(
                "program_name",
                f"{where}.name",
                program.name,
                loc.find(program.name, f"{where}.name"),
                programs=(program.name,),
            )
        )
        for j, alias in enumerate(program.aliases):
            if not loc.source.contains_folded(alias):
                raise CorpusError(
                    loc.file, f"{where}.aliases[{j}]", f"alias not found in the source: {alias!r}"
                )
    return units


def _survey_units(doc: Document, loc: _Locator) -> list[Unit]:
    sv = doc.survey
    units: list[Unit] = []
    for name in ("title", "purpose", "period", "respondents_quote"):
        text = getattr(sv, name)
        units.append(
            Unit("survey_meta", f"survey.{name}", text, loc.find(text, f"survey.{name}"), extra=name)
        )
    if compact(f"{sv.respondents:,}") not in compact(sv.respondents_quote):
        raise CorpusError(loc.file, "survey.respondents", f"{sv.respondents:,} is not in respondents_quote")
    cursor = units[0].span.start
    for i, group in enumerate(sv.profile):
        span = loc.rows(group.rows, f"survey.profile[{i}].rows", cursor)
        cursor = span.end
        text = "、".join(f"{r.label} {r.percent}%" for r in group.rows)
        units.append(
            Unit("survey_profile", f"survey.profile[{i}]", f"{group.name}：{text}", span, extra=group.name)
        )
    for i, table in enumerate(sv.tables):
        base = f"survey.tables[{i}]"
        loc.find(table.title, f"{base}.title")
        for j, year in enumerate(table.years):
            span = loc.rows(year.rows, f"{base}.years[{j}].rows", cursor)
            cursor = span.end
            text = "、".join(f"{r.rank}位 {r.label} {r.percent}%" for r in year.rows)
            units.append(
                Unit(
                    "survey_table",
                    f"{base}.years[{j}]",
                    f"{table.title}（{year.year}）：{text}",
                    span,
                    extra=f"{table.id}:{year.year}",
                )
            )
        units += loc.each("survey_note", f"{base}.notes", table.notes, extra=table.id)
    return units
