"""Prompts converted in one build are remembered for the next (prompt_memo.py)."""

import json

import pytest

from graphic_novel import prompt_memo
from graphic_novel.pages import clean_prompt_html
from graphic_novel.prompt_memo import MEMO_FILE, PromptMemo

PROMPT = "A **lit** window over the harbour\n\n- Ada\n- Grace"


def _no_conversion(text):
    raise AssertionError(f"converted again: {text!r}")


def test_a_saved_prompt_is_not_converted_again(tmp_path, monkeypatch):
    first = PromptMemo(tmp_path, clean_prompt_html)
    made = first.forms(PROMPT)
    assert "<strong>lit</strong>" in made[0] and made[1].startswith("A lit window")
    first.save()
    monkeypatch.setattr(prompt_memo, "html_and_text", _no_conversion)
    assert PromptMemo(tmp_path, clean_prompt_html).forms(PROMPT) == made


def test_only_the_prompts_a_build_used_are_kept(tmp_path):
    memo = PromptMemo(tmp_path, clean_prompt_html)
    memo.forms("old prompt")
    memo.save()
    later = PromptMemo(tmp_path, clean_prompt_html)
    later.forms("new prompt")
    later.save()
    kept = json.loads((tmp_path / MEMO_FILE).read_text("utf-8"))["prompts"]
    assert [v[1] for v in kept.values()] == ["new prompt"]


def test_nothing_changed_writes_nothing(tmp_path):
    memo = PromptMemo(tmp_path, clean_prompt_html)
    memo.forms(PROMPT)
    memo.save()
    stamp = (tmp_path / MEMO_FILE).stat().st_mtime_ns
    again = PromptMemo(tmp_path, clean_prompt_html)
    again.forms(PROMPT)
    again.save()
    assert (tmp_path / MEMO_FILE).stat().st_mtime_ns == stamp


@pytest.mark.parametrize("content", ["{not json", '{"version": "0/old", "prompts": {}}', "[]",
                                     '{"version": "%s", "prompts": {"x": 3}}'])
def test_a_damaged_or_older_memo_is_ignored(tmp_path, content):
    if "%s" in content:
        content = content % prompt_memo._version()
    (tmp_path / MEMO_FILE).write_text(content, "utf-8")
    html, text = PromptMemo(tmp_path, clean_prompt_html).forms(PROMPT)
    assert "<li>Ada</li>" in html and "- Grace" in text


def test_a_memo_entry_with_the_wrong_shape_is_made_again(tmp_path):
    memo = PromptMemo(tmp_path, clean_prompt_html)
    memo.forms(PROMPT)
    key = next(iter(memo.used))
    (tmp_path / MEMO_FILE).write_text(json.dumps(
        {"version": prompt_memo._version(), "prompts": {key: ["only one"]}}), "utf-8")
    assert "<strong>lit</strong>" in PromptMemo(tmp_path, clean_prompt_html).forms(PROMPT)[0]


def test_an_unwritable_cache_costs_only_the_next_conversion(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", "utf-8")
    memo = PromptMemo(blocker / "cache", clean_prompt_html)  # a folder under a file
    memo.forms(PROMPT)
    memo.save()  # no exception
    assert not (blocker / "cache").exists()
