# SPDX-License-Identifier: Apache-2.0
"""The 问一问 index cache: built once, loaded from disk after, rebuilt when the documents, the
synonym table or the cache itself changed or broke."""
import dataclasses
import os

import pytest

from kiosk import catalogue
from kiosk.consult import ask as ask_mod
from kiosk.consult import load, load_synonyms
from kiosk.consult.ask_cache import load_ask

QUESTIONS = ["身份证丢了怎么办", "营业只照怎么办", "我想退休了养老金怎么领", "户口迁移"]


@pytest.fixture(scope="module")
def parts():
    return load(), catalogue.load().items[:300], load_synonyms()


def ranked(index):
    return [[(a.kind, a.id, a.score) for a in index.ask(q, 5)] for q in QUESTIONS]


def folders(path):
    return sorted(p.name for p in path.iterdir() if p.name.startswith("ask-"))


def test_the_second_load_comes_from_disk_and_ranks_the_same(parts, tmp_path, monkeypatch):
    kb, items, syn = parts
    built = load_ask(kb, items, syn, tmp_path)
    assert len(folders(tmp_path)) == 1
    monkeypatch.setattr(ask_mod.AskIndex, "_doc_tokens", lambda *_a: pytest.fail("tokenised again"))
    cached = load_ask(kb, items, syn, tmp_path)
    assert ranked(cached) == ranked(built) and ranked(built)[0]
    assert cached.docs == built.docs


def test_a_changed_knowledge_base_or_synonym_table_is_a_new_cache(parts, tmp_path):
    kb, items, syn = parts
    load_ask(kb, items, syn, tmp_path)
    changed = dataclasses.replace(kb, entries=kb.entries[:-1])
    index = load_ask(changed, items, syn, tmp_path)
    assert len(index.docs) == len(kb.entries) - 1 + len(items)
    load_ask(kb, items, syn[:-1], tmp_path)
    assert len(folders(tmp_path)) == 3


def test_a_damaged_cache_is_rebuilt(parts, tmp_path):
    kb, items, syn = parts
    expected = ranked(load_ask(kb, items, syn, tmp_path))
    folder = tmp_path / folders(tmp_path)[0]
    for name in os.listdir(folder):
        (folder / name).write_bytes(b"\x00garbage")
    assert ranked(load_ask(kb, items, syn, tmp_path)) == expected
    assert ranked(load_ask(kb, items, syn, tmp_path)) == expected      # and the rebuilt one loads


def test_an_unwritable_cache_folder_costs_only_the_rebuild(parts, tmp_path):
    kb, items, syn = parts
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert ranked(load_ask(kb, items, syn, blocked / "sub"))[0]
