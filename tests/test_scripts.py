"""Sentences and words in scripts other than the Latin one.

Why: the line model and the shape checks read a line's words and its final mark. Python's ``re``
ends a ``\\w`` run at a combining mark, which cut every Hindi, Thai or Tamil word at its vowel
signs, and only the Latin and Chinese full stops counted as a sentence's end, so a Hindi
paragraph (ending in the danda ।) read as a line that never ends. A blind corpus lost every
paragraph of its Hindi and its Thai article to the model so.
"""

from __future__ import annotations

import pytest

from pipeline.linemodel.features import is_gated, line_keys
from pipeline.linemodel.model import PROSE, SCORED, line_kinds, writes_without_marks
from pipeline.shape import FULL_STOPS, QUESTION_MARKS, ends_unmarked, looks_like_prose, text_width

HINDI = "नगर परिषद ने बुधवार को पुराने पुल की मरम्मत के लिए नए बजट को मंजूरी दे दी।"
THAI = ("คณะกรรมการหมู่บ้านประชุมกันเมื่อวันพุธเพื่อหารือเรื่องการซ่อมแซมสะพานไม้"
        " ที่ชำรุดจากน้ำท่วมเมื่อปีที่แล้ว และตกลงจะเริ่มงานหลังฤดูเก็บเกี่ยว")


@pytest.mark.parametrize("mark", ["।", "॥", "۔", "։", "።", "။", "។", "。", ".", "!", "…", "།", "༎"])
def test_the_full_stops_of_many_scripts_end_a_sentence(mark):
    assert mark in FULL_STOPS
    assert mark not in QUESTION_MARKS


@pytest.mark.parametrize("mark", ["?", "？", "؟", "፧"])
def test_question_marks_are_told_apart(mark):
    assert mark in QUESTION_MARKS
    assert mark not in FULL_STOPS


def test_a_word_keeps_its_vowel_signs():
    keys, lexical, _ = line_keys("पुराने पुल की मरम्मत", frozenset())
    assert "uपुराने" in lexical and "uमरम्मत" in lexical
    assert "W3" in keys  # four words, not the dozen fragments re's \w made of them


def test_a_hindi_sentence_ends_as_a_sentence():
    keys, _, _ = line_keys(HINDI, frozenset())
    assert "E." in keys
    assert looks_like_prose(HINDI)
    assert is_gated(HINDI, 40)


def test_a_tibetan_sentence_ends_with_its_shad():
    """Unicode gives the Tibetan shad (།) Terminal_Punctuation but not Sentence_Terminal; Tibetan
    and Dzongkha end their sentences with it. A long sentence with it is prose; a short label
    with it is still scored."""
    sentence = "རྒྱལ་ཁབ་ཀྱི་ལས་ཁུངས་ཀྱིས་ ཟམ་པ་གསརཔ་ཅིག་ བཟོ་ནིའི་ འཆར་གཞི་ བཀོད་ཡི།"
    assert len(sentence) >= 40
    keys, _, _ = line_keys(sentence, frozenset())
    assert "E." in keys
    assert looks_like_prose(sentence) and is_gated(sentence, 40)
    assert not looks_like_prose(sentence.rstrip("།")) and not is_gated(sentence.rstrip("།"), 40)
    assert not is_gated("ཟམ་པ་ བཟོ་ཡི།", 40)


def test_a_long_thai_line_is_prose_and_a_short_one_is_scored():
    assert ends_unmarked(THAI)
    assert len(THAI) >= 80 and is_gated(THAI, 40)
    lao = "ຊາວບ້ານໄດ້ປູກຕົ້ນໄມ້ຫຼາຍກວ່າຫ້າຮ້ອຍຕົ້ນ ຢູ່ຕາມແຄມແມ່ນ້ຳຂອງໃນທ້າຍອາທິດທີ່ຜ່ານມາ"  # 78 characters, a Lao sentence (no mark)
    assert ends_unmarked(lao) and 60 <= len(lao) < 80 and is_gated(lao, 40)
    short = "อ่านข่าวอื่นๆ ของเราได้ที่หน้าแรก"
    assert ends_unmarked(short) and not is_gated(short, 40)
    assert line_kinds([short, THAI], [False, False], 40)[1] == PROSE
    assert line_kinds([THAI, short], [False, False], 40)[1] == SCORED


def test_a_latin_line_without_a_mark_is_not_taken_for_thai():
    line = "Weather, traffic and the rest of the morning's notices for the whole valley area"
    assert not ends_unmarked(line)
    assert not is_gated(line, 40)


def test_a_short_chinese_sentence_meets_the_gate_as_a_wide_text():
    """A Han character counts twice toward the gate's length (:func:`pipeline.shape.text_width`):
    a 21-character Chinese sentence is prose, as a 42-letter English one is; a shorter one, or
    one without a final mark, is still scored."""
    sentence = "村公所星期六上午開放給居民查詢，不用預約。"
    assert len(sentence) < 40 <= text_width(sentence)
    assert is_gated(sentence, 40)
    assert line_kinds(["鎮議會昨日通過了新預算。", sentence], [False, False], 40) == [SCORED, PROSE]
    assert not is_gated("廣告合作請聯絡我們。", 40)  # 10 characters: width 20
    assert not is_gated(sentence.rstrip("。"), 40)
    assert text_width("Tide tables, 12:00") == len("Tide tables, 12:00")


def test_an_ethiopic_sentence_counts_its_syllables_twice():
    """Each Ethiopic letter is a consonant with its vowel: a 32-character Amharic sentence with its
    full stop (።) is prose."""
    sentence = "የከተማው ምክር ቤት አዲሱን በጀት ትናንት አጸደቀ።"
    assert len(sentence) < 40 <= text_width(sentence)
    assert is_gated(sentence, 40)
    assert not is_gated(sentence.rstrip("።"), 40)


def test_a_text_written_without_marks_is_told_by_length():
    """A text whose script has sentence marks but whose writer uses none (Shan, in the Myanmar
    script, written as Thai is): its long lines are prose by length, its short ones are scored.
    One long line ending with the mark (။) makes it a marked text again, where a long line
    without one is scored."""
    long = ["ရွာသူရွာသားများ မြစ်ကမ်းတလျှောက် သစ်ပင်ငါးရာကျော် စိုက်ပျိုးခဲ့ကြသည် ပြီးခဲ့သည့် တနင်္ဂနွေနေ့က",
            "မြို့နယ်ကောင်စီက ဈေးဟောင်းကို ပြင်ဆင်ရန် ငွေကြေး ထပ်မံ ခွင့်ပြုခဲ့ပြီး လုပ်ငန်းကို နွေရာသီတွင် စမည်",
            "ဒေသခံ ဆရာများက ကလေးများအတွက် စာကြည့်တိုက်အသစ်ကို စနေနေ့တိုင်း ဖွင့်ပေးမည်ဟု ပြောကြားခဲ့သည်"]
    short = "သတင်းများ ဆက်ဖတ်ရန်"
    assert all(len(line) >= 60 for line in long)
    assert writes_without_marks([short, *long], 40)
    assert line_kinds([short, *long], [False] * 4, 40) == [SCORED, PROSE, PROSE, PROSE]
    marked = [long[0] + "။", *long[1:], short]
    assert not writes_without_marks(marked, 40)
    assert line_kinds(marked, [False] * 4, 40) == [PROSE, SCORED, SCORED, SCORED]
    assert not writes_without_marks(["Weather, traffic and the rest of the morning's notices for the valley"] * 3, 40)
