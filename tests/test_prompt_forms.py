"""A prompt of plain paragraphs skips Markdown (prompt_text.html_and_text);
both ways must give the same HTML and the same copy-button text."""

from hypothesis import given, settings
from hypothesis import strategies as st

from graphic_novel.prompt_text import html_and_text, markdown_html, plain_paragraphs, plain_text

# Plain letters and punctuation, and every character or line start that means
# something to Markdown, so the fast path is tried on both sides of its rule.
ALPHABET = st.sampled_from([*"ab cd\n\n\n  1.-,é'\"?():;/%*_`[]<>&#=+~|{}\t\r)", "ü",
                            "\u00a0", "\u2028", "\x0c", "\x85"])


@settings(max_examples=3000, deadline=None)
@given(st.text(ALPHABET, max_size=40))
def test_plain_paragraphs_convert_as_markdown_does(text):
    if plain_paragraphs(text) is None:
        return
    assert html_and_text(text) == (markdown_html(text), plain_text(text))


def test_plain_prompts_take_the_fast_path_and_markup_does_not():
    assert plain_paragraphs("A lighthouse at dusk, seen from the pier.\n\nRain.") == [
        "A lighthouse at dusk, seen from the pier.", "Rain."]
    for marked in ("A **bold** word", "- a list", "1. first", "    code", "line  \nbreak",
                   "a <b>tag</b>", "AT&T", "Title\n---"):
        assert plain_paragraphs(marked) is None, marked


def test_markup_still_renders():
    html, text = html_and_text("A **lit** window\n\n- Ada\n- Grace")
    assert "<strong>lit</strong>" in html and "<li>Ada</li>" in html
    assert text == "A lit window\n\n- Ada\n- Grace"
