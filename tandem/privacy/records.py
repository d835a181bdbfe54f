"""Records of processing (GDPR Art. 30): what Tandem stores, why, who reads it, how it is
protected and for how long. One table in code: the admin page renders it, and
docs/privacy-records.md is generated from it (``manage.py privacy_records``; a test keeps the
file in step)."""

from __future__ import annotations

from dataclasses import dataclass

RETENTION = "the organisation's retention setting after the engagement ends, or until erased"
UNTIL_ERASED = "while the person has an account; erasure removes it"


@dataclass(frozen=True)
class Record:
    what: str
    why: str
    who_reads: str
    protection: str
    kept: str


RECORDS: tuple[Record, ...] = (
    Record(
        "Account: name, email, time zone, sign-in times, password hash",
        "Signing in; telling people who they work with; emails",
        "The person; programme admins of their organisations (name and email)",
        "Password hashed; address changes limited (docs/people.md)",
        UNTIL_ERASED + " (then 'a former member')",
    ),
    Record(
        "Memberships and programme places (role, cohort, training taken)",
        "Running coaching programmes; comparing outcomes with and without training",
        "Programme admins",
        "Access policy (tandem/core/policy.py)",
        UNTIL_ERASED,
    ),
    Record(
        "Coach profiles (bio, areas, languages, capacity)",
        "Matching coachees with coaches",
        "Coachees offered the coach; programme admins",
        "Access policy",
        UNTIL_ERASED,
    ),
    Record(
        "Engagements: people, dates, status, cadence, sessions held (counts and dates)",
        "Running the engagement; programme figures",
        "Coach, coachee, sponsor, programme admins",
        "Access policy",
        "As long as the programme's records; kept (emptied) after erasure and retention",
    ),
    Record(
        "Behavioural targets and Goal Attainment Scales",
        "The coaching contract",
        "Coach, coachee; the sponsor once put to them",
        "Access policy",
        RETENTION,
    ),
    Record(
        "Session content: agenda, GROW notes, summaries, actions, check-ins",
        "The coaching itself and its accountability",
        "Coach and coachee only",
        "AES-256-GCM, row-bound (TANDEM_ENCRYPTION_KEYS); every read audited",
        RETENTION,
    ),
    Record(
        "Coach private notes",
        "The coach's own working notes",
        "Their author only",
        "AES-256-GCM, row-bound; every read audited",
        RETENTION,
    ),
    Record(
        "Reflections",
        "The coachee's journal between sessions",
        "The author; the coach if shared",
        "AES-256-GCM, row-bound; every read audited",
        RETENTION,
    ),
    Record(
        "Reviews (GAS ratings) and sponsor summaries",
        "Measuring progress; telling the sponsor what the coachee approves",
        "Coach and coachee; the sponsor reads approved summaries only",
        "Summaries AES-256-GCM; every read audited",
        RETENTION,
    ),
    Record(
        "360 feedback: rater invitations (name, email, group), answers, comments, reports",
        "Measuring behaviour change from others' view",
        "Nobody reads individual answers; the coach and (once released) the coachee read "
        "the report",
        "Invitations stored apart from answers; groups under 3 hidden; comments and drafts "
        "encrypted; report reads audited",
        RETENTION + "; a rater's erasure removes their name and address",
    ),
    Record(
        "Big-Five profile (answers and factor scores)",
        "Self-awareness for coachee and coach",
        "Coachee and coach only; organisation norms only over 5+ people, in steps of 5",
        "Answers AES-256-GCM; every read audited",
        RETENTION,
    ),
    Record(
        "Transcript analyses (and transcripts, if kept)",
        "Feedback on how much a conversation was coaching",
        "The uploader; the other person if shared",
        "AES-256-GCM; kept text only when the uploader ticks 'keep'; reads audited",
        RETENTION,
    ),
    Record(
        "Session feedback (usefulness, a word)",
        "Coaching quality",
        "The coachee; coaches and admins see averages over 5+ ratings",
        "The word AES-256-GCM",
        RETENTION,
    ),
    Record(
        "Notifications, email log, calendar feed secret",
        "Reminders, invitations, calendars",
        "The recipient; admins see emails that failed (no content)",
        "No confidential content in emails or calendar entries",
        UNTIL_ERASED,
    ),
    Record(
        "Audit of reads (who read which record, when, from where)",
        "Accountability: the person sees who read their records",
        "The person whose records were read; admins see counts only",
        "Append-only (no update or delete path; a PostgreSQL trigger refuses both)",
        "As long as the records it is about; erasure keeps it, without content",
    ),
    Record(
        "Data exports",
        "The right of access and portability (Art. 15/20)",
        "The person only",
        "ZIP sealed with AES-256-GCM on disk",
        "Two days, then deleted",
    ),
    Record(
        "Erasure records (who erased, when, counts)",
        "Proof that an erasure was done",
        "Platform operators",
        "No content",
        "Kept",
    ),
    Record(
        "Backups",
        "Recovery after a disaster",
        "Platform operators with TANDEM_BACKUP_KEY",
        "Whole file AES-256-GCM; confidential columns still sealed with the encryption keys",
        "The operator's backup rotation (docs/backups.md)",
    ),
)


def records_markdown() -> str:
    lines = [
        "# Records of processing (GDPR Article 30)",
        "",
        "Generated from `tandem/privacy/records.py` by `manage.py privacy_records`; programme",
        "admins see the same table under Privacy. Controller: the organisation running the",
        "programme; Tandem's operator processes on its behalf.",
        "",
        "| what | why | who reads it | protection | kept for |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in RECORDS:
        lines.append(f"| {r.what} | {r.why} | {r.who_reads} | {r.protection} | {r.kept} |")
    return "\n".join(lines) + "\n"
