"""Stage 4: metadata."""

from __future__ import annotations

import pytest

from pipeline import clean_text
from pipeline.metadata import detect_language, leading_title, parse_date


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2024-10-19", "2024-10-19"),
        ("October 19, 2024", "2024-10-19"),
        ("19 Oct 2024 14:32 GMT", "2024-10-19"),
        ("Tue March 5, 2024", "2024-03-05"),
        ("Sept. 3, 2023", "2023-09-03"),
        ("3rd of May 2022", "2022-05-03"),
        ("12.03.2024", "2024-03-12"),
        ("11 avril 2024 à 07h32", "2024-04-11"),
        ("21 de marzo de 2024", "2024-03-21"),
        ("3. Oktober 2023", "2023-10-03"),
        ("2024/02/30", None),
        ("14/09/2024 à 18h05", "2024-09-14"),
        ("09/14/2024", "2024-09-14"),
        ("sometime soon", None),
    ],
)
def test_parse_date(value, iso):
    assert parse_date(value) == iso


@pytest.mark.parametrize(
    ("lines", "index"),
    [
        (["A Headline Without A Full Stop", "Body text follows here."], 0),
        (["Science", "A Headline Without A Full Stop", "Body."], None),
        (["", "", "Leading blanks then headline", "Body."], 2),
        (["This first line is prose and ends with a full stop.", "Body."], None),
        (["Only a headline"], None),
        (["lowercase start is not a headline", "Body."], None),
        (["Label:", "Body."], None),
    ],
)
def test_leading_title(lines, index):
    assert leading_title(lines) == index


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The government announced new measures on Friday to curb rising energy prices across the country.", "en"),
        ("Le gouvernement a annoncé vendredi de nouvelles mesures pour freiner la hausse des prix de l'énergie.", "fr"),
        ("Die Regierung kündigte am Freitag neue Maßnahmen an, um die steigenden Energiepreise zu bremsen.", "de"),
        ("El gobierno anunció el viernes nuevas medidas para frenar el aumento de los precios de la energía.", "es"),
        ("Too short.", None),
    ],
)
def test_language(text, language):
    assert detect_language(text) == language


def test_ambiguous_slashed_dates_follow_dayfirst():
    assert parse_date("05/06/2024", dayfirst=True) == "2024-06-05"
    assert parse_date("05/06/2024", dayfirst=False) == "2024-05-06"
    assert parse_date("05/06/2024") is None


def test_all_caps_author_is_title_cased():
    assert clean_text("By JOHN O'NEILL, Associated Press\nThe report was released today.").author == "John O'Neill"


def test_first_capture_wins_and_unparseable_dates_are_flagged():
    doc = clean_text("Posted on Febtober 40, 2024\nBy Jane Smith\nBy John Roe\nThe report was released today.")
    assert doc.author == "Jane Smith"
    assert doc.date is None
