"""The subjects of 国培计划(2011) by school stage (GP 二、培训学科): 19 in all.

A subject is named by stage and subject together, as people write it: 初中数学, 小学品德与生活.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class SubjectSpec:
    stage: str  # 学段
    name: str  # 学科

    @property
    def label(self) -> str:
        return f"{self.stage}{self.name}"


PRIMARY = "小学"
JUNIOR = "初中"
STAGES = (PRIMARY, JUNIOR)

GP2011_SUBJECTS: tuple[SubjectSpec, ...] = tuple(
    [SubjectSpec(PRIMARY, n) for n in ("品德与生活", "语文", "数学", "英语", "体育", "音乐", "美术")]
    + [
        SubjectSpec(JUNIOR, n)
        for n in (
            "思想品德",
            "语文",
            "数学",
            "英语",
            "物理",
            "化学",
            "历史",
            "地理",
            "生物",
            "音乐",
            "体育",
            "美术",
        )
    ]
)

# 小学品德与生活 is also written 品德与社会 (grades 3–6): both names mean the same subject.
SUBJECT_ALIASES = {"品德与社会": "品德与生活", "思品": "思想品德", "品德": "品德与生活"}


def subject_by_label(label: str) -> SubjectSpec | None:
    label = (label or "").strip()
    for spec in GP2011_SUBJECTS:
        if spec.label == label:
            return spec
    for alias, name in SUBJECT_ALIASES.items():
        if label.endswith(alias):
            return subject_by_label(label[: -len(alias)] + name)
    return None
