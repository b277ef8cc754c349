"""Homework texts made by a seeded generator, for the demo and the copy-detection benchmark: lesson designs
and reflections of PE teachers, each written afresh from a large vocabulary (so two honest texts share the
words of the topic, not their sentences), and copies made from them the ways students copy (whole, sentences
reordered, punctuation and width changed, a few characters swapped per sentence, a third copied).

The same seed gives the same texts on every machine.
"""

from __future__ import annotations

import random

ITEMS = (
    "篮球行进间运球 篮球胸前传接球 足球脚内侧传球 足球运球过人 排球正面双手垫球 排球下手发球 立定跳远 "
    "蹲踞式跳远 跨越式跳高 耐久跑 五十米快速跑 接力跑 前滚翻 后滚翻 肩肘倒立 山羊分腿腾越 跳绳 "
    "广播体操 武术操 太极拳 乒乓球正手攻球 羽毛球正手发高远球 实心球投掷 障碍跑 素质练习"
).split()
PLACES = "城区 县城 乡镇 农村 新区 老城区 山区 城郊 开发区 镇中心".split()
SCHOOLS = "初级中学 九年一贯制学校 完全中学 实验学校 寄宿制学校 民族中学 外国语学校".split()
GRADES = "七年级 八年级 九年级".split()
NOUNS = (
    "学生 教师 同伴 小组 体育委员 小组长 家长 班主任 队员 小老师 学习单 记录表 标志桶 跳箱 垫子 "
    "哨子 秒表 篮球 足球 排球 跳绳 音乐 视频 平板电脑 场地 器材 跑道 风雨操场 水泥场地 动作要领 "
    "技术动作 练习密度 运动负荷 心率 安全 保护帮助 课堂常规 热身 放松 拉伸 游戏 比赛 展示 评价 "
    "自评 互评 进步幅度 体能 协调性 柔韧性 力量 速度 耐力 兴趣 习惯 规则 合作 竞争 情境 口令 "
    "节奏 手型 脚步 重心 落点 路线 距离 高度 时间 次数 成绩 反馈 问题 原因 难点 重点 目标 意图 "
    "课时 单元 教材 课程标准 学情 差异 层次 梯度 挑战 等级 任务 环节 过程 方法 策略 效果"
).split()
VERBS = (
    "设计 组织 示范 讲解 观察 纠正 提醒 鼓励 表扬 记录 调整 安排 分组 轮换 巡视 指导 完成 练习 "
    "尝试 体验 掌握 理解 说出 比较 分析 总结 反思 改进 提高 降低 增加 减少 控制 保持 突破 落实 "
    "关注 照顾 激发 培养 渗透 强调 检测 评价 记住 模仿 配合 交流 讨论 展示 挑战 选择 坚持"
).split()
ADJS = (
    "明确 具体 合理 充分 适当 积极 主动 认真 规范 连贯 协调 稳定 流畅 安全 有效 多样 生动 "
    "扎实 灵活 准确 简洁 清晰 开放 真实 适宜 紧凑 轻松 热烈 细致 科学"
).split()
ADVS = "逐步 反复 及时 尽量 重点 分别 共同 依次 随时 始终 主要 尤其 同时 然后 最后 首先 接着".split()
CONNECT = "因此 所以 但是 同时 另外 而且 于是 如果 虽然 为了 通过 由于".split()
NUMBERS = "两 三 四 五 六 八 十 十二 十五 二十 三十 四十".split()


def _np(rnd: random.Random) -> str:
    if rnd.random() < 0.35:
        return rnd.choice(ADJS) + "的" + rnd.choice(NOUNS)
    if rnd.random() < 0.3:
        return rnd.choice(NOUNS) + "和" + rnd.choice(NOUNS)
    return rnd.choice(NOUNS)


def _sentence(rnd: random.Random, item: str) -> str:
    c = rnd.choice
    pattern = rnd.randrange(9)
    if pattern == 0:
        s = f"{rnd.choice(ADVS)}{rnd.choice(VERBS)}{_np(rnd)}，{rnd.choice(VERBS)}{_np(rnd)}"
    elif pattern == 1:
        s = f"{rnd.choice(CONNECT)}{_np(rnd)}{rnd.choice(ADVS)}{rnd.choice(VERBS)}{_np(rnd)}"
    elif pattern == 2:
        s = f"在{item}的{rnd.choice(NOUNS)}中，{_np(rnd)}{rnd.choice(VERBS)}{rnd.choice(NOUNS)}"
    elif pattern == 3:
        s = f"{c(NUMBERS)}{c(['人', '组', '次', '分钟', '米'])}{c(VERBS)}{_np(rnd)}"
    elif pattern == 4:
        s = f"{_np(rnd)}{rnd.choice(['比较', '非常', '十分', '不够', '更加'])}{rnd.choice(ADJS)}"
    elif pattern == 5:
        s = f"我{rnd.choice(VERBS)}{_np(rnd)}，让{rnd.choice(NOUNS)}{rnd.choice(VERBS)}{_np(rnd)}"
    elif pattern == 6:
        s = f"{c(NOUNS)}要{c(ADVS)}{c(VERBS)}{c(ADJS)}的{c(NOUNS)}"
    elif pattern == 7:
        s = f"{c(CONNECT)}{c(VERBS)}{_np(rnd)}，{_np(rnd)}{c(VERBS)}得{c(ADJS)}"
    else:
        s = f"{_np(rnd)}与{_np(rnd)}{rnd.choice(ADVS)}{rnd.choice(VERBS)}"
    if rnd.random() < 0.4:
        s += f"，{rnd.choice(VERBS)}{_np(rnd)}"
    return s + rnd.choice("。。。。；！")


def essay(rnd: random.Random, *, chars: int = 1500) -> str:
    """A lesson design of about `chars` characters, in paragraphs."""
    item = rnd.choice(ITEMS)
    head = (
        f"本节课的内容是{item}，对象是{rnd.choice(GRADES)}学生。我校是一所{rnd.choice(PLACES)}"
        f"{rnd.choice(SCHOOLS)}，每班{rnd.randint(36, 56)}名学生。"
    )
    paragraphs, paragraph, length = [], [head], len(head)
    while length < chars:
        s = _sentence(rnd, item)
        paragraph.append(s)
        length += len(s)
        if len(paragraph) >= rnd.randint(5, 9):
            paragraphs.append("".join(paragraph))
            paragraph = []
    if paragraph:
        paragraphs.append("".join(paragraph))
    return "\n".join(paragraphs)


# --- How students copy -------------------------------------------------------------------------------------

_SENTENCE_END = "。！？；"
SYNONYMS = dict(
    zip("学生教练球动要能进课时的我在和让组习", "习员授训篮作须会行堂候之本于与使队练", strict=True)
)


def sentences(text: str) -> list[str]:
    out, current = [], []
    for ch in text:
        current.append(ch)
        if ch in _SENTENCE_END:
            out.append("".join(current))
            current = []
    if current:
        out.append("".join(current))
    return out


def copy_reordered(text: str, rnd: random.Random) -> str:
    parts = sentences(text.replace("\n", ""))
    rnd.shuffle(parts)
    return "".join(parts)


def copy_punctuation(text: str) -> str:
    table = {ord("，"): ", ", ord("。"): ". ", ord("；"): "; ", ord("！"): "! ", ord("\n"): "\n\n"}
    table |= {ord(d): chr(ord(d) + 0xFEE0) for d in "0123456789"}
    return text.translate(table)


def copy_synonyms(text: str, rnd: random.Random, per_sentence: int = 3) -> str:
    out = []
    for s in sentences(text):
        chars = list(s)
        spots = [i for i, c in enumerate(chars) if c in SYNONYMS]
        for i in rnd.sample(spots, min(per_sentence, len(spots))):
            chars[i] = SYNONYMS[chars[i]]
        out.append("".join(chars))
    return "".join(out)


def copy_third(text: str, own: str) -> str:
    parts, mine = sentences(text), sentences(own)
    third = parts[len(parts) // 3 : 2 * len(parts) // 3]
    keep = mine[: max(1, len(mine) * 2 // 3)]
    half = len(keep) // 2
    return "".join(keep[:half] + third + keep[half:])


COPY_KINDS = ("whole", "reordered", "punctuation", "synonyms", "third")


def copied(kind: str, text: str, rnd: random.Random, own: str = "") -> str:
    if kind == "whole":
        return text
    if kind == "reordered":
        return copy_reordered(text, rnd)
    if kind == "punctuation":
        return copy_punctuation(text)
    if kind == "synonyms":
        return copy_synonyms(text, rnd)
    return copy_third(text, own or essay(rnd, chars=len(text)))
