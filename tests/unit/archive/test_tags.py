"""Standard tags (标准化的信息标签, 004/4 深圳龙岗): a controlled, versioned vocabulary."""

import pytest

from wuying_archive.domain.tags import CURRENT_VERSION, vocabulary
from wuying_common.rules import InvalidInput


def test_tags_come_from_the_versioned_vocabulary_and_keep_their_order_once():
    tags = vocabulary()
    assert tags.version == CURRENT_VERSION
    assert tags.check(["key_minority", "sensitive_post", "key_minority"]) == ("key_minority", "sensitive_post")
    assert tags.label("key_minority").startswith("“关键少数”")
    assert all(t.source for t in tags.tags)


def test_a_tag_outside_the_vocabulary_is_refused_with_its_field():
    with pytest.raises(InvalidInput) as refused:
        vocabulary().check(["key_minority", "vip"])
    assert (refused.value.field, refused.value.code) == ("tags", "unknown_tag")
    assert "vip" in refused.value.message


def test_an_unknown_vocabulary_version_is_refused():
    with pytest.raises(InvalidInput):
        vocabulary("1999.1")
