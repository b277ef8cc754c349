import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from teachnet.core.richtext import clean_html, plain_text


def test_script_styles_and_handlers_are_dropped_formatting_kept():
    dirty = (
        '<p onclick="steal()">教学<strong>反思</strong><script>alert(1)</script></p>'
        '<img src="http://evil.example/x.png" onerror="steal()"><a href="javascript:steal()">链接</a>'
        '<a href="https://example.com/a">文献</a><style>p{}</style>'
    )
    clean = clean_html(dirty)
    assert "<script" not in clean and "onclick" not in clean and "onerror" not in clean
    assert "<img" not in clean and "javascript:" not in clean and "<style" not in clean
    assert "<strong>反思</strong>" in clean
    assert 'href="https://example.com/a"' in clean and 'rel="noopener noreferrer"' in clean


def test_plain_text_becomes_escaped_paragraphs():
    clean = clean_html("第一段 a < b\n\n第二段")
    assert clean == "<p>第一段 a &lt; b</p>\n\n<p>第二段</p>"


def test_empty_and_huge_are_refused_with_the_field_named():
    with pytest.raises(ValidationError) as empty:
        clean_html("<p> </p><script>x</script>", field="content")
    assert "content" in empty.value.message_dict
    with pytest.raises(ValidationError) as huge:
        clean_html("字" * 50_001)
    assert "50001" in huge.value.message_dict["body"][0]
    assert clean_html("", required=False) == ""


def test_plain_text_reads_the_words():
    assert plain_text("<p>教学&amp;反思</p><p>第二段<br>换行</p>") == "教学&反思\n第二段\n换行"


@given(st.text(max_size=300))
def test_whatever_is_typed_nothing_executable_survives(text):
    try:
        clean = clean_html(text + '<script>x</script><p onmouseover="y">z</p>')
    except ValidationError:
        return
    assert "<script" not in clean.lower() and "onmouseover" not in clean.lower()
