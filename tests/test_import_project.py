"""From an answer to a project: `new DIR --from`, `import` into a folder with
no mkdocs.yml, and `import --force` replacing a story as a whole."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from conftest import Project
from graphic_novel.cli import main

ROOT = Path(__file__).parent.parent
ANSWER = Path(__file__).parent / "fixtures/import/shape_a.md"
IMPORTED = ["story.yaml", "image_prompts.yaml", "references.yaml",
            "chapters/01-the-empty-hives.md", "chapters/02-the-meeting-in-the-barn.md",
            "chapters/03-clover-on-the-verges.md", "chapters/04-the-numbers.md",
            "chapters/05-the-humming-hill.md"]


def digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def default_project(base: Path) -> Path:
    """A copy of this repository's own project: mkdocs.yml, docs/ and the default story."""
    root = base / "default"
    root.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    for folder in ("story", "docs"):
        shutil.copytree(ROOT / folder, root / folder)
    return root


def test_import_force_into_the_default_project_swaps_the_whole_story(tmp_path, monkeypatch,
                                                                     capsys):
    root = default_project(tmp_path)
    old = digest(root / "story")
    assert len([k for k in old if k.startswith("chapters/")]) > 5
    monkeypatch.chdir(root)
    assert main(["import", str(ANSWER)]) == 1
    err = capsys.readouterr().err
    assert "already holds a story" in err and "--force" in err
    assert digest(root / "story") == old  # nothing written without --force
    assert main(["import", "--force", str(ANSWER)]) == 0
    out = capsys.readouterr().out
    assert sorted(digest(root / "story")) == sorted(IMPORTED)
    backups = [p for p in root.iterdir() if p.name.startswith("story.backup-")]
    assert len(backups) == 1 and digest(backups[0]) == old  # byte for byte
    assert f"kept, as it was, in {backups[0].name}/" in out
    assert "Found 5 chapters, 6 panels, 7 prompts and 5 references" in out
    assert not [p for p in root.iterdir() if p.name.startswith(".story.import-")]
    result = Project(root).build()
    assert result.ok, result.error + result.log


def test_new_from_an_answer_is_a_project_that_builds(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["new", "novel", "--from", str(ANSWER)]) == 0
    out = capsys.readouterr().out
    root = tmp_path / "novel"
    assert (root / "mkdocs.yml").is_file() and (root / "docs").is_dir()
    assert sorted(digest(root / "story")) == sorted(IMPORTED)  # no sample chapters beside it
    assert "Next: cd novel && make serve" in out
    mkdocs_yml = (root / "mkdocs.yml").read_text("utf-8")
    assert 'site_name: "The Beekeepers of Hollow Hill"' in mkdocs_yml
    result = Project(root).build()
    assert result.ok, result.error + result.log
    assert main(["new", "novel", "--from", str(ANSWER)]) == 1  # refuses a second time
    assert "already" in capsys.readouterr().err


def test_import_into_an_empty_folder_writes_mkdocs_yml_too(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["import", str(ANSWER)]) == 0
    out = capsys.readouterr().out
    assert "created mkdocs.yml" in out and (tmp_path / "docs").is_dir()
    result = Project(tmp_path).build()
    assert result.ok, result.error + result.log


def test_import_reads_story_dir_from_mkdocs_yml(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["new", "p", "--from", str(ANSWER)]) == 0
    project = tmp_path / "p"
    config = project / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace("story_dir: story", "story_dir: tale"),
                      "utf-8")
    (project / "story").rename(project / "tale")
    monkeypatch.chdir(project)
    capsys.readouterr()
    assert main(["check"]) == 0
    assert "ok: 5 chapters" in capsys.readouterr().out


def test_site_url_makes_links_into_the_wider_site_absolute(tmp_path, monkeypatch, capsys):
    answer = Path(__file__).parent / "fixtures/import-corpus/18-wider-site-links.md"
    monkeypatch.chdir(tmp_path)
    assert main(["new", "p", "--from", str(answer),
                 "--site-url", "https://example.org/stories/lenses/"]) == 0
    out = capsys.readouterr().out
    chapter = (tmp_path / "p/story/chapters/01-bending-light.md").read_text("utf-8")
    assert "[lens simulation](https://example.org/sims/lens/)" in chapter
    assert "[glossary](https://example.org/glossary/#refraction)" in chapter
    assert "![Olli waving](https://example.org/img/mascot/owl-wave.png)" in chapter
    assert ("note: " + str(answer) + ":12: the address '../../sims/lens/index.md' leads out "
            "of the story; it is now 'https://example.org/sims/lens/'.") in out
    assert 'site_url: "https://example.org/stories/lenses/"' in (
        tmp_path / "p/mkdocs.yml").read_text("utf-8")
    result = Project(tmp_path / "p").build()
    assert result.ok, result.error + result.log
