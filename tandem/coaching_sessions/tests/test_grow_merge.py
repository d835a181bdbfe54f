"""The rule for two people writing one topic's GROW notes, without a database, then the write
service that applies it."""

from __future__ import annotations

import pytest

from tandem.coaching_sessions.grow_merge import (
    basis_parse,
    grow_notes_merge,
    note_digest,
    notes_digest,
)

SEEN = {"goal": "Hand over the Q3 plan", "reality": "I edit every plan", "will": ""}


def _basis(notes: dict[str, str]) -> dict[str, str]:
    return basis_parse(notes_digest(notes["goal"], notes["reality"], notes["will"]))


def test_a_note_only_i_changed_is_mine_and_one_only_they_changed_stays_theirs():
    mine = {**SEEN, "will": "Ask Dev to lead the review"}
    theirs = {**SEEN, "reality": "I edit every plan, even Dev's"}
    merge = grow_notes_merge(basis=_basis(SEEN), mine=mine, theirs=theirs)
    assert merge.clashes == ()
    assert merge.notes == {
        "goal": "Hand over the Q3 plan",
        "reality": "I edit every plan, even Dev's",
        "will": "Ask Dev to lead the review",
    }
    assert merge.changes(theirs)


def test_a_note_both_changed_differently_is_a_clash_and_mine_is_kept_for_showing():
    mine = {**SEEN, "goal": "Let Dev own the Q3 plan"}
    theirs = {**SEEN, "goal": "Hand over the plan by Friday"}
    merge = grow_notes_merge(basis=_basis(SEEN), mine=mine, theirs=theirs)
    assert merge.clashes == ("goal",)
    assert merge.notes["goal"] == "Let Dev own the Q3 plan"


def test_both_writing_the_same_words_is_no_clash():
    same = {**SEEN, "goal": "Let Dev own the Q3 plan"}
    merge = grow_notes_merge(basis=_basis(SEEN), mine=same, theirs=same)
    assert merge.clashes == ()
    assert not merge.changes(same)


def test_untouched_notes_never_overwrite_what_the_other_saved():
    theirs = {"goal": "Coach's goal", "reality": "", "will": ""}
    merge = grow_notes_merge(basis=_basis(SEEN), mine=SEEN, theirs=theirs)
    assert merge.clashes == ()
    assert merge.notes == theirs
    assert not merge.changes(theirs)


def test_without_a_basis_every_note_sent_is_mine():
    theirs = {**SEEN, "goal": "Changed meanwhile"}
    merge = grow_notes_merge(basis={}, mine=SEEN, theirs=theirs)
    assert merge.clashes == ()
    assert merge.notes == SEEN


def test_only_a_paragraph_break_added_is_an_edit_but_browser_line_ends_are_not():
    assert note_digest("One\r\nTwo") == note_digest("One\nTwo  ")
    assert note_digest("One\n\nTwo") != note_digest("One\nTwo")


@pytest.mark.parametrize("garbled", ["", "abc", "a.b", "a.b.c.d"])
def test_a_missing_or_garbled_basis_means_nothing_was_seen(garbled):
    assert basis_parse(garbled) == {}


# --- the write service ------------------------------------------------------------------


@pytest.fixture
def topic(engagement):
    from tandem.coaching_sessions import services
    from tandem.core.tests.world import plan_session

    session = plan_session(engagement)
    topic = services.agenda_topic_add(actor=engagement.coachee, session=session, title="Q3")
    return services.grow_topic_update(
        actor=engagement.coach, topic=topic, **SEEN, expected_version=None
    )


def test_two_writers_of_different_notes_both_keep_their_words(topic, coach, coachee):
    """Both pages showed SEEN; each request reads the topic afresh, as the views do."""
    from tandem.coaching_sessions import services
    from tandem.coaching_sessions.models import AgendaTopic

    for actor, mine in [
        (coach, {**SEEN, "reality": "I edit every plan, even Dev's"}),
        (coachee, {**SEEN, "will": "Ask Dev to lead the review"}),
    ]:
        services.grow_notes_save(
            actor=actor,
            topic=AgendaTopic.objects.get(pk=topic.pk),
            mine=mine,
            basis=_basis(SEEN),
            expected_version=topic.version,
        )
    saved = AgendaTopic.objects.get(pk=topic.pk)
    assert (saved.goal, saved.reality, saved.will) == (
        "Hand over the Q3 plan",
        "I edit every plan, even Dev's",
        "Ask Dev to lead the review",
    )


def test_a_clash_saves_nothing_and_shows_the_other_persons_words(topic, coach, coachee):
    from tandem.coaching_sessions import services
    from tandem.coaching_sessions.models import AgendaTopic

    services.grow_notes_save(
        actor=coach,
        topic=AgendaTopic.objects.get(pk=topic.pk),
        mine={**SEEN, "goal": "Hand over the plan by Friday"},
        basis=_basis(SEEN),
        expected_version=None,
    )
    with pytest.raises(services.GrowClash) as info:
        services.grow_notes_save(
            actor=coachee,
            topic=AgendaTopic.objects.get(pk=topic.pk),
            mine={**SEEN, "goal": "Let Dev own the Q3 plan", "will": "Ask Dev"},
            basis=_basis(SEEN),
            expected_version=topic.version,
        )
    assert info.value.clashes == ("goal",)
    assert info.value.topic.goal == "Hand over the plan by Friday"
    saved = AgendaTopic.objects.get(pk=topic.pk)
    assert (saved.goal, saved.will) == ("Hand over the plan by Friday", "")
