"""Hand-written cues for speech acts, used alone (the rules path) and as model features.

Each rule encodes a convention from motivational-interviewing coding (MITI 4.2, MISC 2.5) and
coaching practice rather than anything learnt from one data set, so it generalises to speech with
missing question marks:

* a question is a wh-word followed by a verb ("what would", "how's"), an auxiliary followed by a
  subject ("do you", "is there") or an invitation ("tell me more", "walk me through", "I wonder");
* a question is *closed* when it can be answered with yes/no or one fact (auxiliary questions,
  "when is", "which", "how many", declaratives with "?"), *open* otherwise;
* a reflection restates the other person's meaning ("it sounds like", "you're worried that");
* advice tells the other person what to do ("you should", "I'd", "why don't you", imperatives);
* "other" is greeting, thanks, affirmation, back-channel and structuring.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from .text import normalise, sentences, strip_fillers

__all__ = [
    "CLIENT_LABELS",
    "COACH_LABELS",
    "client_rule_label",
    "coach_rule_label",
    "is_check_tag",
    "question_form",
    "sentence_rule_label",
]

CoachLabel = Literal[
    "open_question", "closed_question", "reflection", "advice", "information", "other"
]
ClientLabel = Literal["status", "strategy", "other"]
COACH_LABELS: tuple[str, ...] = (
    "open_question",
    "closed_question",
    "reflection",
    "advice",
    "information",
    "other",
)
CLIENT_LABELS: tuple[str, ...] = ("status", "strategy", "other")


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_AUX = (
    r"(?:do|does|did|are|is|was|were|can|could|would|will|should|have|has|had|shall|may|might|am|"
    r"isn't|aren't|don't|doesn't|didn't|won't|wouldn't|can't|couldn't|haven't|hasn't|shouldn't|"
    r"wasn't|weren't)"
)
_SUBJ = (
    r"(?:you|we|they|i|he|she|it|that|this|there|those|these|the|your|our|their|his|her|my|"
    r"anyone|anybody|anything|any|someone|somebody|something|everyone|everything|people|"
    r"[a-z]+'s)"
)
_WH = r"(?:what|how|why|where|when|who|which|whose|whom)"
_AUX_WORDS = (
    r"(?:do|does|did|are|is|was|were|can|could|would|will|should|have|has|had|might|may|am|"
    r"makes?|made|gets?|got|comes?|came|happens?|happened|stops?|keeps?|helps?|matters?|"
    r"feels?|felt|seems?|works?|worked|needs?|went|goes)"
)
# A wh-word followed, within two words, by a verb: "what would", "how confident are", "what usually
# happens", "which of those", "what else".
_WH_VERB = _rx(
    rf"^{_WH}\b(?:\s*$|\s+(?:else|of|about|if|kind|sort|type|part|exactly|specifically)\b|"
    rf"(?:\s+[a-z']+){{0,2}}?\s+{_AUX_WORDS}\b|\s+[a-z]+(?:ing|ed)\b)"
)
_WH_CONTRACTED = _rx(rf"^{_WH}'(?:s|re|d|ll|ve)\b")
_WH_CLAUSE = _rx(rf"^{_WH}\s+(?:i|i'd|i'm|we|we'd|you|you'd|they|he|she|it|this|that)\s+")
_AUX_Q = _rx(rf"^{_AUX}\s+(?:not\s+)?{_SUBJ}\b")
_INVITE = _rx(
    r"^(?:(?:can|could|would|will)\s+you\s+(?:please\s+)?(?:tell|talk|walk|say|share|describe|"
    r"explain|give)\b|tell me|say (?:a bit |a little )?more|talk me through|walk me through|"
    r"take me through|describe|help me understand|i'?m curious (?:about|what|how|why|whether|if|"
    r"to know)|i'?m wondering|i wonder|"
    r"i'?d (?:love|like) to (?:hear|know|understand)|give me an example|paint me a picture|"
    r"let'?s hear|go on\b|keep going|what about|how about|what if|such as|like what|"
    r"any (?:thoughts|ideas|reflections)|and then\b|meaning\b)"
)
_CLOSED_WH = _rx(
    r"^(?:when|which|whose|whom|who(?!\s+else)|how (?:many|much|long|often|old|far|soon)|"
    r"how (?:confident|committed|likely|sure|important|ready|motivated)\b.*\b(?:ten|10|scale)\b|"
    r"(?:on a scale|from one to ten|out of ten).*|"
    r"what (?:time|date|day|number)|where (?:is|are|was|were|'s) (?:the|it|that))\b|^when's\b"
)
_OPEN_WHEN = _rx(r"^when (?:have|has) (?:you|it|that)\b")
_PHATIC = _rx(
    r"^(?:how are you(?: doing| today)?|how(?:'s| is) it going|how are things|how(?:'re| are) "
    r"things|you (?:all )?good|how(?:'s| is) everyone|can you hear me|"
    r"how was your (?:weekend|holiday|break|trip))\W*$"
)
_SCALE = _rx(
    r"\b(?:on a scale|scale of (?:one|1|zero|0)|(?:one|1|zero|0) to (?:ten|10)|out of (?:ten|10))\b"
)
_ANY_Q = _rx(r"^(?:anything|anyone|any)\b")
_LEAD = _rx(
    r"^(?:(?:hi|hey|hello|morning)(?: there| [a-z]+)?,|"
    r"(?:cool|great|good|nice|perfect|fine|okay|ok|alright|right|sure|got it|thanks|"
    r"thank you|so|and|but|yeah|yes|well|um|uh|hm+)\b[\s,.\-]*)+"
)
_TAG = _rx(
    r"(?:^|[,.]\s*|\s)(?:is that right|is that fair|is that it|am i right|right|yeah|yes|no|okay|"
    r"ok|correct|fair|does that make sense|make sense|makes sense|isn't it|aren't you|don't you|"
    r"didn't you|wasn't it|you know|would you say|does that sound right|sound right|agreed|huh)"
    r"\s*\?\s*$"
)
_LEADING_ADVICE_Q = _rx(
    r"^(?:why don't you|why not|how about you|what about you|what if you just|"
    r"have you thought about just|could you just|can you just|maybe you could)\b"
)

_REFLECTION = _rx(
    r"^(?:(?:it )?sounds? (?:like|as if|as though)|(?:it )?seems? (?:like|as if|that|to me)|"
    r"it feels like|so you(?:'re| are| feel| felt| want| think| don't| didn't| can't| have|'ve|"
    r" were| need| care| value| see)\b|you(?:'re| are) (?:feeling|saying|worried|frustrated|"
    r"concerned|torn|unsure|excited|proud|tired|stretched|stuck|not sure|wondering|finding|"
    r"struggling|really|quite|pretty|a bit|kind of|sort of)|you(?:'ve| have) been\b|"
    r"you feel|you felt|you (?:really )?(?:care|value|want|wish|hope|seem|sound|see|think|"
    r"believe|don't want|didn't|can't|miss|love|hate|enjoy|worry|wonder)\b|"
    r"what i(?:'m| am) hearing|i(?:'m| am) hearing|i hear (?:that|you)|if i(?:'m| am)? understand|"
    r"if i heard you|in other words|on (?:the )?one hand|part of you|let me (?:see if|check) i|"
    r"to summari[sz]e|so to summari[sz]e|let me summari[sz]e|so far you|what you'?re saying|"
    r"that (?:must|sounds|'s been|has been|'s a lot|is a lot)|it'?s (?:been )?(?:hard|tough|"
    r"difficult|frustrating|a lot|a big|not easy|really)|this (?:is|has been) (?:really )?"
    r"(?:important|hard|tough|weighing)|so (?:the|what) (?:real|main|big)|"
    r"you'?re (?:the kind|someone|a person)|for you,|you'?d (?:like|love|rather)|"
    r"you(?:'re| are) (?:not|no longer|still|already|now|doing|trying|looking|hoping|"
    r"thinking|planning|going))"
)
# A statement about the other person that is not an instruction restates them: "you did something
# big", "so you both have pressures ...". Checked after the advice cues.
_YOU_STATEMENT = _rx(r"^(?:so,? )?(?:you|you're|you've|you'd|your|yourself)\b|^so,? .*\byou")
_ADVICE = _rx(
    r"\b(?:you should|you shouldn't|you ought|you need to|you have to|you must|you might want|"
    r"you may want|you could (?:try|just|also|maybe|probably|start|ask|talk|send|set|book|use)|"
    r"you'?d be better|i(?:'d| would) (?:suggest|recommend|advise|say|just|probably|try|go|start|"
    r"focus|push|escalate|talk|do|put|get|send|ask|tell|book|set|make|block|delegate|cut|pick|"
    r"definitely|really|also|first|not|avoid|prioriti[sz]e|keep|move|bring|give|loop|write|"
    r"take|look)|if i were you|my advice|my suggestion|i suggest|i recommend|i advise|"
    r"make sure|don't forget|be sure to|it(?:'d| would| might| may)? be (?:worth|good|better|"
    r"best|wise|smart|helpful) to|it'?s worth|the best thing|best bet|"
    r"what i(?:'d| would) do|what you (?:want|need) to do|"
    r"let'?s (?:just|make|get|have|put|set|send|book|do|go with|push|move the|schedule|aim)|"
    r"why don'?t you|why not|how about you|just (?:send|tell|ask|do|ping|loop|book|set|push|say|"
    r"go|write|put|escalate|delegate|block|cancel|drop))\b"
)
_IMPERATIVE = _rx(
    r"^(?:please |maybe |just |definitely |probably )?(?!take care)(?:send|ask|tell(?! me)|talk to|"
    r"book|set|"
    r"schedule|loop|ping|reach out|write|put|block|push|escalate|focus|prioriti[sz]e|delegate|"
    r"cut|drop|start|stop|keep|remember|consider|get|go|take|give|use|check|email|call|follow|"
    r"share|make|try|bring|move|add|update|raise|flag|document|create|plan|don't|do not|avoid|"
    r"think about|look at|aim|prepare|draft|cc|copy|invite|sit down|pair|hand|offload|say no|"
    r"be clear|be honest|lean on|run it|run the|find|let (?:him|her|them)|stick|own it)\b"
)
_OTHER = _rx(
    r"^(?:hi|hello|hey|morning|good (?:morning|afternoon|evening|to see|to hear|stuff|job|work)|"
    r"nice to|great to|lovely to|thanks?|thank you|cheers|bye|see you|talk soon|take care|"
    r"welcome|ok(?:ay)?|sure|great|good|nice|cool|perfect|excellent|brilliant|awesome|fantastic|"
    r"wonderful|lovely|right|yeah|yes|yep|no|nope|got it|gotcha|i see|mm+-?hmm|uh-?huh|fair enough|"
    r"congrat\w*|"
    r"makes sense|that makes sense|absolutely|exactly|totally|of course|no worries|no problem|"
    r"well done|nice work|great work|great job|good job|congrat|amazing|wow|love (?:that|it)|"
    r"i appreciate|i really appreciate|appreciate|that'?s (?:great|brilliant|fantastic|a great|"
    r"a good|really good|good|awesome|amazing|impressive|huge|progress)|you should be proud|"
    r"i'?m (?:glad|proud|pleased|happy to hear)|let'?s (?:start|get started|begin|kick off|"
    r"move on|wrap up|come back|dive in|pick up|recap|look at|turn to|switch|jump|park)|"
    r"shall we|before we (?:finish|wrap|close|end)|we(?:'ve| have) (?:got )?(?:about )?\w+ "
    r"minutes|i(?:'ve| have) (?:got )?a hard stop|can you hear me|you'?re on mute|sorry|"
    r"one sec|hang on|how are you|how'?s it going|how are things|how was your|take care|"
    r"(?:i'?m |we'?re )?looking forward|i'?m sorry|sorry to hear|sounds like a plan|"
    r"let me (?:give|start|share my screen|just)|let'?s (?:go through|talk about|do a quick)|"
    r"i (?:wanted|want) to (?:talk|start|check|catch up)|that'?s (?:everything|all|it)|"
    r"(?:we'?re|i think we'?re) recording|good luck|enjoy|have a (?:good|great|nice))\b"
)
_CLIENT_OTHER = _rx(
    r"^(?:hi|hello|hey|morning|thanks?|thank you|cheers|bye|see you|okay|ok|sure|yeah|yes|yep|no|"
    r"nope|right|great|good|cool|fine|mm+-?hmm|uh-?huh|exactly|totally|absolutely|definitely|"
    r"will do|sounds good|makes sense|fair enough|i'?m good|not bad|doing well|pretty good)\b"
)
_STRATEGY = _rx(
    r"\b(?:i (?:want|wanna|'d like|would like|need to|hope|could|might|should|think i|guess i|"
    r"wonder|realise|realize|struggle|find it|feel|felt|worry|'m worried|'m not sure|"
    r"don't know how|"
    r"keep|tend to|avoid|'ll|will|'m going to|plan|commit|'d rather|prefer|care|value)|"
    r"maybe i|what if i|my goal|goals|long[- ]term|career|promotion|grow|growth|learn|develop|"
    r"confidence|confident|option|options|approach|strategy|priorit|delegat|boundar|habit|"
    r"feedback|relationship|trust|energy|stress|overwhelm|burn|motivat|the real issue|pattern|"
    r"i've been thinking|on a scale|out of ten|out of 10|the first step|next step|by (?:friday|"
    r"monday|tuesday|wednesday|thursday|tomorrow|next week|the end of))\b"
)
_STATUS = _rx(
    r"\b(?:finished|shipped|completed|merged|deployed|released|launched|sent|delivered|closed|fixed|"
    r"done|on track|behind|ahead|blocked|waiting|pending|ticket|tickets|sprint|release|deadline|"
    r"pr|prs|jira|backlog|bug|bugs|migration|demo|qa|status|update|this week|last week|yesterday|"
    r"today we|we're|we are|we had|we got|we did|the team|the client|numbers|pipeline|budget|"
    r"percent|%|signed off|in progress|on hold|going fine|went well|still working)\b"
)


def _core(sentence: str) -> str:
    return strip_fillers(normalise(sentence)).strip(" ,.-")


def is_check_tag(sentence: str) -> bool:
    """True for a tag such as ', is that right?' or 'does that make sense?' at the end."""
    return bool(_TAG.search(normalise(sentence)))


@lru_cache(maxsize=8192)
def question_form(sentence: str) -> Literal["open", "closed"] | None:
    """Open, closed, or not a question — from syntax first, the question mark second."""
    core = _LEAD.sub("", _core(sentence)).strip() or _core(sentence)
    has_mark = sentence.rstrip().endswith("?") or core.endswith("?")
    core = core.rstrip("?").strip()
    if not core:
        return None
    if _INVITE.match(core):
        # "What about the docs, are those out?" asks for one fact despite its open start.
        rest = core.split(",", 1)[1].strip() if "," in core else ""
        return "closed" if rest and _AUX_Q.match(rest) else "open"
    if _OPEN_WHEN.match(core):
        return "open"
    if _SCALE.search(core):
        return "closed"
    if has_mark and "," in core:
        # "If we fixed that, what would be different?" / "Go ahead, what's coming up?"
        last = core.rsplit(",", 1)[1].strip()
        if last and (_WH_VERB.match(last) or _WH_CONTRACTED.match(last)):
            return "closed" if _CLOSED_WH.match(last) else "open"
    is_wh = bool(_WH_VERB.match(core) or _WH_CONTRACTED.match(core))
    if _WH_CLAUSE.match(core) and not has_mark:
        is_wh = False  # "what I'd do is ...", "when you get a chance, ..."
    if is_wh:
        return "closed" if _CLOSED_WH.match(core) else "open"
    if _CLOSED_WH.match(core) and has_mark:
        return "closed"
    if _AUX_Q.match(core):
        if not has_mark and re.match(
            r"^(?:do|don't|have|can|could|will|would)\s+(?!you|we|they|i\b|"
            r"anyone|there|he|she)",
            core,
        ):
            return None  # "Do it by Friday", "Have a think" are instructions
        return "closed"
    if _ANY_Q.match(core) and (has_mark or len(core.split()) <= 6):
        return "closed"
    if has_mark:
        if re.match(rf"^{_WH}\b", core):
            return "closed" if _CLOSED_WH.match(core) else "open"
        if re.match(r"^(?:or|and|so)\b.*\b(?:what|how|why)\b", core):
            return "open"
        return "closed"
    return None


@lru_cache(maxsize=8192)
def sentence_rule_label(sentence: str) -> CoachLabel:
    """Label one sentence of a coach's turn by the rules alone."""
    core = _core(sentence)
    if not core:
        return "other"
    if _LEADING_ADVICE_Q.match(core):
        return "advice"
    if _PHATIC.match(_LEAD.sub("", core).strip() or core):
        return "other"
    form = question_form(sentence)
    if form is not None:
        if is_check_tag(sentence) and not (_WH_VERB.match(core) or _AUX_Q.match(core)):
            body = _TAG.sub("", normalise(sentence))
            if body and (_REFLECTION.match(_core(body)) or _REFLECTION.search(body)):
                return "reflection"
            if body and (_ADVICE.search(body) or _IMPERATIVE.match(_core(body))):
                return "advice"
        return "open_question" if form == "open" else "closed_question"
    if _REFLECTION.match(core):
        return "reflection"
    if _ADVICE.search(core) or _IMPERATIVE.match(core):
        return "advice"
    if _YOU_STATEMENT.match(normalise(sentence)) and not _OTHER.match(core):
        return "reflection"
    words = core.split()
    if _OTHER.match(core) and len(words) <= 12:
        return "other"
    if len(words) <= 2:
        return "other"
    return "information"


# When one turn holds several sentences, the most coaching-relevant act names the turn: a question
# ends most coaching turns ("That's useful. What else?"), telling outweighs reflection because it
# changes who owns the problem, and greetings only win when nothing else was said.
_PRIORITY: dict[str, int] = {
    "open_question": 5,
    "closed_question": 5,
    "advice": 4,
    "information": 3,
    "reflection": 2,
    "other": 1,
}


def combine(labels: list[str]) -> str:
    """The label of a turn from the labels of its sentences (see ``_PRIORITY``)."""
    best = max(labels, key=lambda lab: _PRIORITY[lab])
    if best in {"open_question", "closed_question"}:
        # The last question asked is the one the coachee answers.
        return next(lab for lab in reversed(labels) if lab in {"open_question", "closed_question"})
    return best


def coach_rule_label(text: str) -> CoachLabel:
    """Label a coach's turn by the rules: per sentence, then combined."""
    labels: list[str] = [sentence_rule_label(s) for s in sentences(text)]
    return combine(labels)  # type: ignore[return-value]


def client_rule_label(text: str) -> ClientLabel:
    """Status update, strategy/growth talk, or other (acknowledgements, greetings)."""
    core = _core(text)
    words = core.split()
    if not words or (_CLIENT_OTHER.match(core) and len(words) <= 6) or len(words) <= 2:
        return "other"
    strategy = len(_STRATEGY.findall(core))
    status = len(_STATUS.findall(core))
    return "strategy" if strategy > status else "status"
