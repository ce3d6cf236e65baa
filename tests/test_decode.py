"""Stage 1: bytes to text."""

from __future__ import annotations

import codecs

import pytest

from pipeline.decode import decode_bytes
from pipeline.errors import EmptyInputError, UndecodableInputError

TEXT = "Les élèves ont réussi l’examen — 95 % d’entre eux, selon le ministère.\nSecond line."


@pytest.mark.parametrize(
    ("data", "encoding", "flag"),
    [
        (TEXT.encode("utf-8"), "utf-8", None),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig", "bom-removed"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le", "bom-removed"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be", "bom-removed"),
        (codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"), "utf-32-le", "bom-removed"),
        (TEXT.encode("utf-16-le"), "utf-16-le", None),
        (TEXT.encode("utf-16-be"), "utf-16-be", None),
    ],
)
def test_unicode_encodings(data, encoding, flag):
    text, found, flags = decode_bytes(data)
    assert text == TEXT and found == encoding
    assert (flag in flags) if flag else not flags


def test_cp1252_is_detected_not_guessed_as_utf8():
    text = ("The minister’s “final” offer — worth €5m — was rejected, café owners said. " * 4).strip()
    decoded, encoding, flags = decode_bytes(text.encode("cp1252"))
    assert decoded == text
    assert encoding == "cp1252" and "encoding-detected" in flags


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("El niño español comió en la mañana, según el señor Muñoz y la señora Ibáñez. " * 3, "cp1252"),
        ("Zażółć gęślą jaźń, powiedział minister w poniedziałek rano w Warszawie. " * 3, "cp1250"),
        ("Привет, как дела? Это тестовый текст на русском языке о погоде в Москве. " * 3, "cp1251"),
    ],
)
def test_single_byte_code_pages(text, encoding):
    decoded, found, _ = decode_bytes(text.encode(encoding))
    assert decoded == text and found == encoding


def test_latin1_text():
    text = "Der Bürgermeister äußerte sich am Montag über die Straßenbahn in München. " * 3
    decoded, encoding, _ = decode_bytes(text.encode("latin-1"))
    assert decoded == text


def test_stray_cp1252_bytes_in_utf8_are_read_as_cp1252():
    data = "Café “déjà vu” in Zürich: ".encode() + b"it\x92s fine" + " — über alles.".encode()
    text, encoding, flags = decode_bytes(data)
    assert text == "Café “déjà vu” in Zürich: it’s fine — über alles."
    assert encoding == "utf-8" and "invalid-utf8-bytes-repaired" in flags


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n  "])
def test_empty_input_is_an_error(data):
    with pytest.raises(EmptyInputError):
        decode_bytes(data)


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "PNG"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\x1f\x8b\x08\x00" + bytes(40), "gzip"),
        (bytes(range(256)) * 8, "binary"),
    ],
)
def test_binary_input_is_refused_with_a_reason(data, kind):
    with pytest.raises(UndecodableInputError, match=kind):
        decode_bytes(data)


def test_a_few_nul_bytes_do_not_make_text_binary():
    text, _, _ = decode_bytes(b"A line of text.\x00\nAnother line of ordinary prose here.\n" * 5)
    assert "Another line" in text
