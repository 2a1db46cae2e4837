/* event.h - the event catalogue and its msgpack codec.
 *
 * An event is a msgpack map with short string keys. Its bytes, exactly as
 * stored, are the log entry: what the Merkle tree hashes, what tiles and
 * snapshots carry. The encoding is canonical (keys in the catalogue's order,
 * integers in their shortest form, str8 strings), and the decoder accepts only
 * canonical bytes, so one event has exactly one entry and a verifier never
 * needs to re-encode anything.
 *
 * Events carry no free text: titles and bodies live in the bodies store and
 * the event carries a commitment "c" to them (body.h). The only text in an
 * event is the organisation name a participant declares, a public
 * declaration by design.
 *
 * docs/EVENTS.md documents every type; `concerto log --json` prints them. */
#ifndef CONCERTO_EVENT_H
#define CONCERTO_EVENT_H

#include "types.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Hard cap on an encoded event. Real events are under 400 bytes. */
#define CC_EVENT_MAX 1024

#define CC_EVENT_TYPES(X)                                                                          \
    X(CONSULTATION_CONFIGURED, "consultation.configured")                                          \
    X(THEME_CREATED, "theme.created")                                                              \
    X(THEME_UPDATED, "theme.updated")                                                              \
    X(THEME_OPENED, "theme.opened")                                                                \
    X(THEME_CLOSED, "theme.closed")                                                                \
    X(SECTION_CREATED, "section.created")                                                          \
    X(SECTION_UPDATED, "section.updated")                                                          \
    X(PARTICIPANT_REGISTERED, "participant.registered")                                            \
    X(PARTICIPANT_STATUS_CHANGED, "participant.status_changed")                                    \
    X(PARTICIPANT_ERASED, "participant.erased")                                                    \
    X(ROLE_GRANTED, "role.granted")                                                                \
    X(ROLE_REVOKED, "role.revoked")                                                                \
    X(CONTRIBUTION_POSTED, "contribution.posted")                                                  \
    X(CONTRIBUTION_EDITED, "contribution.edited")                                                  \
    X(ARGUMENT_POSTED, "argument.posted")                                                          \
    X(SOURCE_POSTED, "source.posted")                                                              \
    X(COMMENT_POSTED, "comment.posted")                                                            \
    X(VOTE_CAST, "vote.cast")                                                                      \
    X(VOTE_CHANGED, "vote.changed")                                                                \
    X(VOTE_WITHDRAWN, "vote.withdrawn")                                                            \
    X(FLAG_RAISED, "flag.raised")                                                                  \
    X(FLAG_DISMISSED, "flag.dismissed")                                                            \
    X(ITEM_TRASHED, "item.trashed")                                                                \
    X(ITEM_REMOVED, "item.removed")                                                                \
    X(ITEM_RESTORED, "item.restored")                                                              \
    X(DOCUMENT_PUBLISHED, "document.published")                                                    \
    X(MEETING_SCHEDULED, "meeting.scheduled")                                                      \
    X(MEETING_REPORTED, "meeting.reported")                                                        \
    X(SYNTHESIS_PUBLISHED, "synthesis.published")                                                  \
    X(RECOMMENDATIONS_PUBLISHED, "recommendations.published")                                      \
    X(REPORT_PUBLISHED, "report.published")

typedef enum cc_event_type {
    CC_EV_NONE = 0,
#define CC_EV_ENUM_(name, str) CC_EV_##name,
    CC_EVENT_TYPES(CC_EV_ENUM_)
#undef CC_EV_ENUM_
        CC_EV_COUNT_
} cc_event_type;

/* The fields an event may carry. Which ones a type has, in which order and
 * whether they are optional, is the catalogue in event.c. */
#define CC_FIELDS(X)                                                                               \
    X(TYPE, "ty")                                                                                  \
    X(TS, "ts")                                                                                    \
    X(BY, "by")                                                                                    \
    X(P, "p")                                                                                      \
    X(THEME, "th")                                                                                 \
    X(SECTION, "se")                                                                               \
    X(ITEM, "it")                                                                                  \
    X(STATUS, "st")                                                                                \
    X(ORG, "org")                                                                                  \
    X(ROLE, "ro")                                                                                  \
    X(KIND, "kd")                                                                                  \
    X(POSTING, "po")                                                                               \
    X(ORDER, "or")                                                                                 \
    X(OPENS, "op")                                                                                 \
    X(CLOSES, "cl")                                                                                \
    X(AT, "at")                                                                                    \
    X(SIDE, "sd")                                                                                  \
    X(VALUE, "v")                                                                                  \
    X(FLAG_REASON, "rs")                                                                           \
    X(TRASH_REASON, "rs")                                                                          \
    X(GROUND, "gr")                                                                                \
    X(FILE_HASH, "fh")                                                                             \
    X(FILE_SIZE, "fz")                                                                             \
    X(MIME, "mt")                                                                                  \
    X(LOG_SIZE, "n")                                                                               \
    X(COMMITMENT, "c")

typedef enum cc_field {
#define CC_FIELD_ENUM_(name, key) CC_F_##name,
    CC_FIELDS(CC_FIELD_ENUM_)
#undef CC_FIELD_ENUM_
        CC_F_COUNT_
} cc_field;

/* Closed vocabularies. Stored in events as their strings; in memory as the
 * 1-based index (0 means "absent"). */
typedef enum cc_section_kind {
    CC_KIND_PRESENTATION = 1,
    CC_KIND_DIAGNOSTIC,
    CC_KIND_PROPOSALS,
    CC_KIND_OTHER,
} cc_section_kind;

typedef enum cc_side { CC_SIDE_FOR = 1, CC_SIDE_AGAINST } cc_side;

typedef enum cc_vote_value {
    CC_VOTE_AGREE = 1,
    CC_VOTE_MITIGATED,
    CC_VOTE_DISAGREE,
    CC_VOTE_UP, /* the only value for arguments */
} cc_vote_value;

/* Reasons a participant may give when flagging (the charter's list). */
typedef enum cc_flag_reason {
    CC_FLAG_INSULTING = 1,
    CC_FLAG_FALSE,
    CC_FLAG_OFF_TOPIC,
    CC_FLAG_SPAM,
    CC_FLAG_ILLEGAL,
    CC_FLAG_OTHER,
} cc_flag_reason;

/* Reasons a moderator may trash for: the charter's, and nothing else (FAQ:
 * "propos injurieux, volontairement erronés ou hors-sujet"). */
typedef enum cc_trash_reason {
    CC_TRASH_INSULTING = 1,
    CC_TRASH_FALSE,
    CC_TRASH_OFF_TOPIC,
    CC_TRASH_SPAM,
    CC_TRASH_DUPLICATE,
} cc_trash_reason;

/* Legal grounds for removal: the list of article 6 of the French LCEN. */
typedef enum cc_ground {
    CC_GROUND_CRIMES_AGAINST_HUMANITY = 1,
    CC_GROUND_RACIAL_HATRED,
    CC_GROUND_DISCRIMINATORY_HATRED, /* sex, orientation, gender identity, disability */
    CC_GROUND_CHILD_ABUSE,
    CC_GROUND_INCITEMENT_TO_VIOLENCE,
    CC_GROUND_VIOLENCE_AGAINST_WOMEN,
    CC_GROUND_HUMAN_DIGNITY,
    CC_GROUND_TERRORISM, /* provocation to or apology of acts of terrorism */
} cc_ground;

typedef enum cc_mime {
    CC_MIME_PDF = 1,
    CC_MIME_TEXT,
    CC_MIME_MARKDOWN,
    CC_MIME_ODT,
    CC_MIME_DOCX,
} cc_mime;

typedef struct cc_event {
    cc_event_type type;
    uint64_t present; /* bit (1 << cc_field) for each field carried */
    uint64_t ts;      /* writer-assigned UTC milliseconds */
    cc_pseudonym by;  /* who acted */
    cc_pseudonym p;   /* the participant acted upon */
    uint64_t theme, section, item;
    uint8_t status, role, kind, side, value, reason, ground, mime;
    bool posting;
    uint64_t order, opens, closes, at, file_size, log_size;
    uint8_t file_hash[32];
    uint8_t commitment[32];
    uint16_t org_len;
    char org[CC_ORG_MAX + 1]; /* NUL-terminated too */
} cc_event;

/* Name of a type ("vote.cast"), or NULL when out of range. */
const char *cc_event_type_name(cc_event_type t);
/* Type from a name; CC_EV_NONE when unknown. */
cc_event_type cc_event_type_from_name(const char *s, size_t len);
/* The key ("it") of a field. */
const char *cc_field_key(cc_field f);
/* The vocabulary string of an enumerated field's value, or NULL. */
const char *cc_field_enum_name(cc_field f, unsigned value);
/* Value of an enumerated field from its string; 0 when unknown. */
unsigned cc_field_enum_value(cc_field f, const char *s, size_t len);
/* Whether type t carries field f: 0 no, 1 required, 2 optional. */
int cc_event_has_field(cc_event_type t, cc_field f);

/* Reset e and set its type. */
void cc_event_init(cc_event *e, cc_event_type type);
/* Mark a field present (setters for the struct members are plain stores). */
static inline void cc_event_set(cc_event *e, cc_field f)
{
    e->present |= (uint64_t)1 << f;
}
static inline bool cc_event_is_set(const cc_event *e, cc_field f)
{
    return (e->present >> f) & 1;
}

/* Check e against the catalogue (required fields present, no others, enum
 * values known, org rules, lengths). */
int cc_event_validate(const cc_event *e);

/* Encode e canonically into buf (CC_EVENT_MAX bytes suffice). Validates
 * first; nothing is written on error. */
int cc_event_encode(const cc_event *e, uint8_t *buf, size_t cap, size_t *len);

/* Decode an entry strictly: one msgpack map, nothing after it, known type,
 * every required field, no unknown or duplicate field, right types, enum
 * values known, texts valid, canonical bytes. Returns CC_EMALFORMED,
 * CC_EUNKNOWNTYPE, CC_EMISSING, CC_EEXTRA, CC_ETYPE, CC_ETOOLONG, CC_EUTF8,
 * CC_ECONTROL, CC_EENUM, CC_ENONCANONICAL or CC_ETOOBIG. */
int cc_event_decode(const uint8_t *buf, size_t len, cc_event *out);

/* The field that made the last cc_event_decode on this thread fail, for
 * error messages ("missing field it"); CC_F_COUNT_ when not field-specific. */
cc_field cc_event_decode_error_field(void);

/* Append a JSON object for e (keys as in the entry, commitments and hashes
 * in lowercase hex) to buf; returns the length written, or the length that
 * would have been written if cap is too small (snprintf semantics). */
size_t cc_event_to_json(const cc_event *e, char *buf, size_t cap);

#endif
