/* opendata.c - the open-data tables, folded from the log.
 *
 * The FAQ promises that "la totalité des échanges" stays available as open
 * data, anonymised, and that anyone can check the synthesis against it. This
 * projection keeps every table of a snapshot ready to be written: a snapshot
 * at any log size is then a walk over sorted keys, and an auditor who replays
 * the same prefix through this same fold gets the same rows, byte for byte.
 *
 * Why rows of text cells. The files are text (CSV, JSON Lines), and every
 * cell is a function of the events alone: ids, pseudonyms, times formatted
 * from the writer's timestamps, vocabulary strings, counters, commitments.
 * Storing the cells already formatted puts the formatting rules in one place
 * (here, with the column list they belong to) and leaves snapshot.c a
 * generic writer that knows nothing of events. Counters are updated by
 * parsing and rewriting their cell, which costs nothing next to the LMDB
 * write of the row.
 *
 * What is not here. Texts (titles, contributions, notes) are in the
 * ledger's bodies and can be purged by a removal, so they are joined at
 * export time through the commitment column; a pure fold of the log could
 * not know whether a body still exists. Usernames and e-mail addresses are
 * in the vault and never reach any view: the participants table holds the
 * pseudonym, the declared status, the organisation (for organisations) and
 * the day of registration, nothing else. The bin and the statistics are the
 * trash and stats projections' own data, read at export time, so the open
 * data and the site can never disagree on them.
 *
 * Counting rules (also in docs/FORMAT.md): a contribution's arguments,
 * sources and comments count the children posted and not removed (trashed
 * ones still count, as in the statistics); votes count the current vote of
 * each participant; a removal leaves the votes the item received. */
#include "opendata.h"

#include "bytes.h"
#include "error.h"
#include "state.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROW_VERSION 1
#define ITEM_VERSION 1
#define ITEM_RECORD 21

/* ---- tables --------------------------------------------------------------- */

enum table_id {
    TB_PARTICIPANTS = 1,
    TB_THEMES,
    TB_SECTIONS,
    TB_CONTRIBUTIONS,
    TB_VERSIONS,
    TB_ARGUMENTS,
    TB_SOURCES,
    TB_COMMENTS,
    TB_VOTES,
    TB_FLAGS,
    TB_DECISIONS,
    TB_TRASH,
    TB_DOCUMENTS,
    TB_MEETINGS,
    TB_PUBLICATIONS,
    TB_STATISTICS,
    TB_STATISTICS_DAYS,
    TB_STATISTICS_AT_CLOSE,
};

#define COL(n, t, fr, en)                                                                          \
    {                                                                                              \
        n, CC_OD_##t, -1, -1, CC_EV_NONE, fr, en                                                   \
    }
#define BODY(n, f, c, ev, fr, en)                                                                  \
    {                                                                                              \
        n, CC_OD_STRING, CC_B_##f, c, ev, fr, en                                                   \
    }
#define COMMIT(fr, en)                                                                             \
    COL("commitment", STRING,                                                                      \
        "Engagement SHA-256 (hex) sur le texte : SHA-256(nonce ‖ corps), voir bodies.jsonl. " fr,  \
        "SHA-256 commitment (hex) to the text: SHA-256(nonce ‖ body), see bodies.jsonl. " en)
#define STATE_COL                                                                                  \
    COL("state", STRING,                                                                           \
        "published, trashed (dans la corbeille, texte public) ou removed (retiré pour contenu "   \
        "illicite, texte effacé).",                                                                \
        "published, trashed (in the public bin, text public) or removed (illegal content, text "   \
        "erased).")
#define AUTHOR_COL                                                                                 \
    COL("author", STRING, "Pseudonyme de l'auteur (voir participants).",                           \
        "Pseudonym of the author (see participants).")

enum { P_PSEUDONYM, P_STATUS, P_ORG, P_REGISTERED, P_ERASED, P_N };
static const cc_od_column participants_cols[P_N] = {
    COL("pseudonym", STRING, "Pseudonyme public, aléatoire et opaque (16 caractères base32).",
        "Public pseudonym, random and opaque (16 base32 characters)."),
    COL("status", STRING,
        "Statut déclaré : citizen, association, company, public_body ou representative.",
        "Declared status: citizen, association, company, public_body or representative."),
    COL("organisation", STRING,
        "Nom déclaré de l'organisation ; vide pour un citoyen ou un compte supprimé.",
        "Declared name of the organisation; empty for a citizen or a deleted account."),
    COL("registered_on", DATE, "Jour (UTC) de l'inscription.", "Day (UTC) of registration."),
    COL("erased", BOOLEAN,
        "true si le compte a été supprimé : ses contributions restent, affichées « anonyme ».",
        "true if the account was deleted: its contributions stay, shown as \"anonyme\"."),
};

enum {
    T_ID,
    T_ORDER,
    T_OPENS,
    T_CLOSES,
    T_STATE,
    T_OPENED,
    T_CLOSED,
    T_CLOSED_SIZE,
    T_CREATED,
    T_UPDATED,
    T_COMMIT,
    T_TITLE,
    T_TEXT,
    T_N
};
static const cc_od_column themes_cols[T_N] = {
    COL("id", INTEGER, "Identifiant : numéro de l'événement qui a créé le thème.",
        "Id: sequence number of the event that created the theme."),
    COL("order", INTEGER, "Rang d'affichage.", "Display rank."),
    COL("opens_at", DATETIME, "Ouverture prévue (UTC).", "Planned opening (UTC)."),
    COL("closes_at", DATETIME, "Clôture prévue (UTC).", "Planned closing (UTC)."),
    COL("state", STRING, "draft (pas encore ouvert), open ou closed.",
        "draft (not opened yet), open or closed."),
    COL("opened_at", DATETIME, "Dernière ouverture effective.", "Last actual opening."),
    COL("closed_at", DATETIME, "Clôture effective (vide tant que le thème est ouvert).",
        "Actual closing (empty while the theme is open)."),
    COL("closed_log_size", INTEGER,
        "Taille du journal juste après la clôture : le préfixe dont viennent les statistiques "
        "figées (statistics_at_close).",
        "Log size right after the closing: the prefix the frozen statistics come from "
        "(statistics_at_close)."),
    COL("created_at", DATETIME, "Création.", "Creation."),
    COL("updated_at", DATETIME, "Dernière modification (vide si jamais modifié).",
        "Last update (empty if never updated)."),
    COMMIT("", ""),
    BODY("title", TITLE, T_COMMIT, CC_EV_THEME_CREATED, "Titre.", "Title."),
    BODY("text", TEXT, T_COMMIT, CC_EV_THEME_CREATED, "Présentation (Markdown).",
         "Presentation (Markdown)."),
};

enum {
    S_ID,
    S_THEME,
    S_KIND,
    S_POSTING,
    S_ORDER,
    S_CREATED,
    S_UPDATED,
    S_COMMIT,
    S_TITLE,
    S_TEXT,
    S_N
};
static const cc_od_column sections_cols[S_N] = {
    COL("id", INTEGER, "Identifiant de la partie.", "Id of the section."),
    COL("theme", INTEGER, "Thème (voir themes).", "Theme (see themes)."),
    COL("kind", STRING, "presentation, diagnostic, proposals ou other.",
        "presentation, diagnostic, proposals or other."),
    COL("posting", BOOLEAN, "true si les participants peuvent y contribuer.",
        "true if participants may post in it."),
    COL("order", INTEGER, "Rang d'affichage dans le thème.", "Display rank in the theme."),
    COL("created_at", DATETIME, "Création.", "Creation."),
    COL("updated_at", DATETIME, "Dernière modification (vide si jamais modifiée).",
        "Last update (empty if never updated)."),
    COMMIT("", ""),
    BODY("title", TITLE, S_COMMIT, CC_EV_SECTION_CREATED, "Titre.", "Title."),
    BODY("text", TEXT, S_COMMIT, CC_EV_SECTION_CREATED, "Présentation (Markdown).",
         "Presentation (Markdown)."),
};

enum {
    C_ID,
    C_THEME,
    C_SECTION,
    C_AUTHOR,
    C_POSTED,
    C_EDITED,
    C_VERSIONS,
    C_STATE,
    C_AGREE,
    C_MITIGATED,
    C_DISAGREE,
    C_ARG_FOR,
    C_ARG_AGAINST,
    C_SOURCES,
    C_COMMENTS,
    C_COMMIT,
    C_TITLE,
    C_TEXT,
    C_N
};
static const cc_od_column contributions_cols[C_N] = {
    COL("id", INTEGER, "Identifiant de la contribution.", "Id of the contribution."),
    COL("theme", INTEGER, "Thème.", "Theme."),
    COL("section", INTEGER, "Partie du thème (voir sections).", "Section (see sections)."),
    AUTHOR_COL,
    COL("posted_at", DATETIME, "Publication.", "Posting time."),
    COL("edited_at", DATETIME, "Dernière modification par l'auteur (vide si aucune).",
        "Last edit by the author (empty if none)."),
    COL("versions", INTEGER, "Nombre de versions (1 + modifications), voir contribution_versions.",
        "Number of versions (1 + edits), see contribution_versions."),
    STATE_COL,
    COL("votes_agree", INTEGER, "Votes « d'accord » actuels.", "Current \"agree\" votes."),
    COL("votes_mitigated", INTEGER, "Votes « mitigé » actuels.", "Current \"mitigated\" votes."),
    COL("votes_disagree", INTEGER, "Votes « pas d'accord » actuels.",
        "Current \"disagree\" votes."),
    COL("arguments_for", INTEGER, "Arguments pour (publiés et non retirés).",
        "Arguments for (posted and not removed)."),
    COL("arguments_against", INTEGER, "Arguments contre (publiés et non retirés).",
        "Arguments against (posted and not removed)."),
    COL("sources", INTEGER, "Sources (publiées et non retirées).",
        "Sources (posted and not removed)."),
    COL("comments", INTEGER, "Commentaires directs (publiés et non retirés).",
        "Direct comments (posted and not removed)."),
    COMMIT("Version actuelle.", "Current version."),
    BODY("title", TITLE, C_COMMIT, CC_EV_CONTRIBUTION_POSTED,
         "Titre de la version actuelle (vide si retirée).",
         "Title of the current version (empty if removed)."),
    BODY("text", TEXT, C_COMMIT, CC_EV_CONTRIBUTION_POSTED,
         "Texte de la version actuelle, Markdown (vide si retirée).",
         "Text of the current version, Markdown (empty if removed)."),
};

enum { V_CONTRIBUTION, V_VERSION, V_ID, V_AT, V_COMMIT, V_TITLE, V_TEXT, V_N };
static const cc_od_column versions_cols[V_N] = {
    COL("contribution", INTEGER, "Contribution.", "Contribution."),
    COL("version", INTEGER, "Numéro de version (1 = texte initial).",
        "Version number (1 = initial text)."),
    COL("id", INTEGER, "Numéro de l'événement (publication ou modification).",
        "Sequence number of the event (posting or edit)."),
    COL("at", DATETIME, "Date de la version.", "Time of the version."),
    COMMIT("", ""),
    BODY("title", TITLE, V_COMMIT, CC_EV_CONTRIBUTION_POSTED, "Titre (vide si retirée).",
         "Title (empty if removed)."),
    BODY("text", TEXT, V_COMMIT, CC_EV_CONTRIBUTION_POSTED, "Texte, Markdown (vide si retirée).",
         "Text, Markdown (empty if removed)."),
};

enum {
    A_ID,
    A_CONTRIBUTION,
    A_THEME,
    A_SIDE,
    A_AUTHOR,
    A_POSTED,
    A_STATE,
    A_UP,
    A_COMMIT,
    A_TEXT,
    A_N
};
static const cc_od_column arguments_cols[A_N] = {
    COL("id", INTEGER, "Identifiant de l'argument.", "Id of the argument."),
    COL("contribution", INTEGER, "Contribution argumentée.", "Contribution argued."),
    COL("theme", INTEGER, "Thème.", "Theme."),
    COL("side", STRING, "for (pour) ou against (contre).", "for or against."),
    AUTHOR_COL,
    COL("posted_at", DATETIME, "Publication.", "Posting time."),
    STATE_COL,
    COL("votes_up", INTEGER, "Votes « +1 » actuels.", "Current up-votes."),
    COMMIT("", ""),
    BODY("text", TEXT, A_COMMIT, CC_EV_ARGUMENT_POSTED, "Texte (vide si retiré).",
         "Text (empty if removed)."),
};

enum {
    SO_ID,
    SO_CONTRIBUTION,
    SO_THEME,
    SO_AUTHOR,
    SO_POSTED,
    SO_STATE,
    SO_COMMENTS,
    SO_COMMIT,
    SO_TITLE,
    SO_URL,
    SO_TEXT,
    SO_N
};
static const cc_od_column sources_cols[SO_N] = {
    COL("id", INTEGER, "Identifiant de la source.", "Id of the source."),
    COL("contribution", INTEGER, "Contribution sourcée.", "Contribution it supports."),
    COL("theme", INTEGER, "Thème.", "Theme."),
    AUTHOR_COL,
    COL("posted_at", DATETIME, "Publication.", "Posting time."),
    STATE_COL,
    COL("comments", INTEGER, "Commentaires (publiés et non retirés).",
        "Comments (posted and not removed)."),
    COMMIT("", ""),
    BODY("title", TITLE, SO_COMMIT, CC_EV_SOURCE_POSTED, "Titre (vide si retirée).",
         "Title (empty if removed)."),
    BODY("url", URL, SO_COMMIT, CC_EV_SOURCE_POSTED, "Adresse (vide si retirée).",
         "URL (empty if removed)."),
    BODY("text", TEXT, SO_COMMIT, CC_EV_SOURCE_POSTED, "Description facultative.",
         "Optional description."),
};

enum {
    CM_ID,
    CM_PARENT,
    CM_PARENT_KIND,
    CM_THEME,
    CM_AUTHOR,
    CM_POSTED,
    CM_STATE,
    CM_COMMIT,
    CM_TEXT,
    CM_N
};
static const cc_od_column comments_cols[CM_N] = {
    COL("id", INTEGER, "Identifiant du commentaire.", "Id of the comment."),
    COL("parent", INTEGER, "Élément commenté.", "Item commented on."),
    COL("parent_kind", STRING, "contribution ou source.", "contribution or source."),
    COL("theme", INTEGER, "Thème.", "Theme."),
    AUTHOR_COL,
    COL("posted_at", DATETIME, "Publication.", "Posting time."),
    STATE_COL,
    COMMIT("", ""),
    BODY("text", TEXT, CM_COMMIT, CC_EV_COMMENT_POSTED, "Texte (vide si retiré).",
         "Text (empty if removed)."),
};

enum { VO_TARGET, VO_PSEUDONYM, VO_VALUE, VO_AT, VO_N };
static const cc_od_column votes_cols[VO_N] = {
    COL("target", INTEGER, "Contribution ou argument voté.", "Contribution or argument voted on."),
    COL("pseudonym", STRING, "Pseudonyme du votant.", "Pseudonym of the voter."),
    COL("value", STRING,
        "Vote actuel : agree, mitigated ou disagree (contributions), up (arguments).",
        "Current vote: agree, mitigated or disagree (contributions), up (arguments)."),
    COL("voted_at", DATETIME, "Date du vote actuel (premier vote ou dernier changement).",
        "Time of the current vote (first vote or last change)."),
};

enum {
    F_ID,
    F_ITEM,
    F_ITEM_KIND,
    F_FLAGGER,
    F_REASON,
    F_RAISED,
    F_STATUS,
    F_CLOSED,
    F_DECISION,
    F_COMMIT,
    F_TEXT,
    F_N
};
static const cc_od_column flags_cols[F_N] = {
    COL("id", INTEGER, "Identifiant du signalement.", "Id of the flag."),
    COL("item", INTEGER, "Élément signalé.", "Item flagged."),
    COL("item_kind", STRING, "contribution, argument, source ou comment.",
        "contribution, argument, source or comment."),
    COL("flagger", STRING, "Pseudonyme de l'auteur du signalement.", "Pseudonym of the flagger."),
    COL("reason", STRING, "insulting, false, off_topic, spam, illegal ou other.",
        "insulting, false, off_topic, spam, illegal or other."),
    COL("raised_at", DATETIME, "Date du signalement.", "Time of the flag."),
    COL("status", STRING,
        "open, dismissed (rejeté), trashed ou removed (suite donnée par la modération).",
        "open, dismissed, trashed or removed (the moderators' decision)."),
    COL("closed_at", DATETIME, "Date de la décision (vide si ouvert).",
        "Time of the decision (empty while open)."),
    COL("decision", INTEGER, "Décision qui l'a clos (voir moderation_decisions).",
        "Decision that closed it (see moderation_decisions)."),
    COMMIT("Vide sans précision.", "Empty without details."),
    BODY("text", TEXT, F_COMMIT, CC_EV_FLAG_RAISED, "Précisions du signalement.",
         "Details given with the flag."),
};

enum { D_ID, D_ITEM, D_ITEM_KIND, D_DECISION, D_REASON, D_MODERATOR, D_AT, D_COMMIT, D_TEXT, D_N };
static const cc_od_column decisions_cols[D_N] = {
    COL("id", INTEGER, "Identifiant de la décision.", "Id of the decision."),
    COL("item", INTEGER, "Élément concerné.", "Item concerned."),
    COL("item_kind", STRING, "contribution, argument, source ou comment.",
        "contribution, argument, source or comment."),
    COL("decision", STRING,
        "dismissed (signalements rejetés), trashed (mis à la corbeille), removed (retiré, "
        "contenu illicite) ou restored (rétabli).",
        "dismissed (flags rejected), trashed (moved to the bin), removed (illegal content) or "
        "restored."),
    COL("reason", STRING,
        "Motif de la charte (trashed : insulting, false, off_topic, spam, duplicate) ou motif "
        "légal (removed, article 6 de la LCEN) ; vide sinon.",
        "Charter reason (trashed: insulting, false, off_topic, spam, duplicate) or legal ground "
        "(removed, article 6 of the LCEN); empty otherwise."),
    COL("moderator", STRING, "Pseudonyme du modérateur.", "Pseudonym of the moderator."),
    COL("decided_at", DATETIME, "Date de la décision.", "Time of the decision."),
    COMMIT("Vide sans note.", "Empty without a note."),
    BODY("note", TEXT, D_COMMIT, CC_EV_ITEM_TRASHED, "Note publique du modérateur.",
         "The moderator's public note."),
};

enum {
    TR_ITEM,
    TR_KIND,
    TR_THEME,
    TR_PARENT,
    TR_AUTHOR,
    TR_POSTED,
    TR_STATE,
    TR_REASON,
    TR_DECISION,
    TR_MODERATOR,
    TR_DECIDED,
    TR_COMMIT,
    TR_NOTE_COMMIT,
    TR_TITLE,
    TR_URL,
    TR_TEXT,
    TR_NOTE,
    TR_N
};
static const cc_od_column trash_cols[TR_N] = {
    COL("item", INTEGER, "Élément mis à la corbeille ou retiré.", "Item in the bin."),
    COL("item_kind", STRING, "contribution, argument, source ou comment.",
        "contribution, argument, source or comment."),
    COL("theme", INTEGER, "Thème.", "Theme."),
    COL("parent", INTEGER, "Élément parent (partie, contribution ou source).",
        "Parent item (section, contribution or source)."),
    AUTHOR_COL,
    COL("posted_at", DATETIME, "Publication.", "Posting time."),
    COL("state", STRING,
        "trashed (texte public ci-dessous) ou removed (contenu illicite : seule la trace reste).",
        "trashed (text public below) or removed (illegal content: only the tombstone stays)."),
    COL("reason", STRING, "Motif de la charte (trashed) ou motif légal (removed).",
        "Charter reason (trashed) or legal ground (removed)."),
    COL("decision", INTEGER, "Décision (voir moderation_decisions).",
        "Decision (see moderation_decisions)."),
    COL("moderator", STRING, "Pseudonyme du modérateur.", "Pseudonym of the moderator."),
    COL("decided_at", DATETIME, "Date de la décision.", "Time of the decision."),
    COMMIT("Texte de l'élément.", "Text of the item."),
    COL("note_commitment", STRING, "Engagement sur la note du modérateur (vide sans note).",
        "Commitment to the moderator's note (empty without a note)."),
    BODY("title", TITLE, TR_COMMIT, CC_EV_NONE, "Titre (contributions, sources).",
         "Title (contributions, sources)."),
    BODY("url", URL, TR_COMMIT, CC_EV_NONE, "Adresse (sources).", "URL (sources)."),
    BODY("text", TEXT, TR_COMMIT, CC_EV_NONE, "Texte (vide si retiré).",
         "Text (empty if removed)."),
    BODY("note", TEXT, TR_NOTE_COMMIT, CC_EV_ITEM_TRASHED, "Note publique du modérateur.",
         "The moderator's public note."),
};

enum {
    DO_ID,
    DO_THEME,
    DO_PUBLISHED,
    DO_SHA256,
    DO_SIZE,
    DO_MIME,
    DO_FILE,
    DO_COMMIT,
    DO_TITLE,
    DO_NAME,
    DO_FROM,
    DO_TEXT,
    DO_N
};
static const cc_od_column documents_cols[DO_N] = {
    COL("id", INTEGER, "Identifiant du document.", "Id of the document."),
    COL("theme", INTEGER, "Thème (vide si général).", "Theme (empty if general)."),
    COL("published_at", DATETIME, "Publication.", "Publication time."),
    COL("sha256", STRING, "SHA-256 (hex) du fichier publié tel quel.",
        "SHA-256 (hex) of the file, published as received."),
    COL("size", INTEGER, "Taille du fichier en octets.", "Size of the file in bytes."),
    COL("media_type", STRING, "Type de média du fichier.", "Media type of the file."),
    COL("file", STRING, "Chemin du fichier dans l'instantané.",
        "Path of the file in the snapshot."),
    COMMIT("", ""),
    BODY("title", TITLE, DO_COMMIT, CC_EV_DOCUMENT_PUBLISHED, "Titre.", "Title."),
    BODY("name", NAME, DO_COMMIT, CC_EV_DOCUMENT_PUBLISHED, "Nom du fichier reçu.",
         "Name of the file as received."),
    BODY("from", FROM, DO_COMMIT, CC_EV_DOCUMENT_PUBLISHED,
         "Qui l'a transmis (organisation, groupement d'intérêts).",
         "Who sent it (organisation, interest group)."),
    BODY("text", TEXT, DO_COMMIT, CC_EV_DOCUMENT_PUBLISHED, "Description.", "Description."),
};

enum {
    M_ID,
    M_THEME,
    M_SCHEDULED,
    M_AT,
    M_REPORTED,
    M_COMMIT,
    M_REPORT_COMMIT,
    M_TITLE,
    M_PLACE,
    M_TEXT,
    M_REPORT,
    M_N
};
static const cc_od_column meetings_cols[M_N] = {
    COL("id", INTEGER, "Identifiant de la journée contributive.", "Id of the meeting."),
    COL("theme", INTEGER, "Thème (vide si général).", "Theme (empty if general)."),
    COL("scheduled_at", DATETIME, "Annonce.", "Announcement time."),
    COL("at", DATETIME, "Date de la journée.", "Date of the meeting."),
    COL("reported_at", DATETIME, "Publication du compte rendu (vide sinon).",
        "Publication of the report (empty if none)."),
    COMMIT("Annonce.", "Announcement."),
    COL("report_commitment", STRING, "Engagement sur le compte rendu (vide sinon).",
        "Commitment to the report (empty if none)."),
    BODY("title", TITLE, M_COMMIT, CC_EV_MEETING_SCHEDULED, "Titre.", "Title."),
    BODY("place", PLACE, M_COMMIT, CC_EV_MEETING_SCHEDULED, "Lieu.", "Place."),
    BODY("text", TEXT, M_COMMIT, CC_EV_MEETING_SCHEDULED, "Présentation.", "Presentation."),
    BODY("report", TEXT, M_REPORT_COMMIT, CC_EV_MEETING_REPORTED, "Compte rendu (Markdown).",
         "Report (Markdown)."),
};

enum { PU_ID, PU_TYPE, PU_THEME, PU_LOG_SIZE, PU_PUBLISHED, PU_COMMIT, PU_TITLE, PU_TEXT, PU_N };
static const cc_od_column publications_cols[PU_N] = {
    COL("id", INTEGER, "Identifiant de la publication.", "Id of the publication."),
    COL("type", STRING,
        "consultation (présentation de la concertation), synthesis, recommendations ou report "
        "(rapport final).",
        "consultation (presentation of the consultation), synthesis, recommendations or report "
        "(final report)."),
    COL("theme", INTEGER, "Thème (synthèses et recommandations).",
        "Theme (syntheses and recommendations)."),
    COL("log_size", INTEGER,
        "Taille du journal sur laquelle la publication s'appuie : `concerto export --at` la "
        "reproduit.",
        "Log size the publication is based on: `concerto export --at` reproduces it."),
    COL("published_at", DATETIME, "Publication.", "Publication time."),
    COMMIT("", ""),
    BODY("title", TITLE, PU_COMMIT, CC_EV_NONE, "Titre.", "Title."),
    BODY("text", TEXT, PU_COMMIT, CC_EV_NONE, "Texte (Markdown).", "Text (Markdown)."),
};

#define COUNTER_COLS                                                                               \
    COL("contributions", INTEGER, "Contributions publiées et non retirées.",                       \
        "Contributions posted and not removed."),                                                  \
        COL("edits", INTEGER, "Modifications de contributions.", "Contribution edits."),           \
        COL("arguments_for", INTEGER, "Arguments pour.", "Arguments for."),                        \
        COL("arguments_against", INTEGER, "Arguments contre.", "Arguments against."),              \
        COL("sources", INTEGER, "Sources.", "Sources."),                                           \
        COL("comments", INTEGER, "Commentaires.", "Comments."),                                    \
        COL("votes_agree", INTEGER, "Votes « d'accord ».", "\"Agree\" votes."),                    \
        COL("votes_mitigated", INTEGER, "Votes « mitigé ».", "\"Mitigated\" votes."),              \
        COL("votes_disagree", INTEGER, "Votes « pas d'accord ».", "\"Disagree\" votes."),          \
        COL("votes_up", INTEGER, "Votes « +1 » sur les arguments.", "Up-votes on arguments."),     \
        COL("participants", INTEGER, "Participants distincts actifs dans le périmètre.",           \
            "Distinct participants active in the scope."),                                         \
        COL("participants_citizen", INTEGER, "… dont citoyens (statut à leur première action).",   \
            "… of which citizens (status at their first action)."),                                \
        COL("participants_association", INTEGER, "… dont associations.", "… associations."),       \
        COL("participants_company", INTEGER, "… dont entreprises.", "… companies."),               \
        COL("participants_public_body", INTEGER, "… dont organismes publics.",                     \
            "… public bodies."),                                                                   \
        COL("participants_representative", INTEGER, "… dont organisations représentatives.",       \
            "… representative organisations."),                                                    \
        COL("flags", INTEGER, "Signalements.", "Flags raised."),                                   \
        COL("trashed", INTEGER, "Mises à la corbeille.", "Items trashed."),                        \
        COL("removed", INTEGER, "Retraits pour contenu illicite.", "Items removed (illegal)."),    \
        COL("restored", INTEGER, "Rétablissements.", "Items restored.")

#define ST_COUNTERS 20
static const cc_od_column statistics_cols[3 + ST_COUNTERS] = {
    COL("scope", INTEGER, "Périmètre : 0 pour toute la concertation, sinon un thème ou une partie.",
        "Scope: 0 for the whole consultation, otherwise a theme or a section."),
    COL("scope_kind", STRING, "consultation, theme ou section.", "consultation, theme or section."),
    COL("theme", INTEGER, "Thème du périmètre (vide pour la concertation).",
        "Theme of the scope (empty for the consultation)."),
    COUNTER_COLS,
};

static const cc_od_column statistics_days_cols[8] = {
    COL("scope", INTEGER, "Périmètre (0, thème ou partie).", "Scope (0, theme or section)."),
    COL("day", DATE, "Jour (UTC).", "Day (UTC)."),
    COL("contributions", INTEGER, "Contributions publiées ce jour (hors retirées).",
        "Contributions posted that day (removed ones subtracted)."),
    COL("arguments", INTEGER, "Arguments publiés ce jour.", "Arguments posted that day."),
    COL("sources", INTEGER, "Sources publiées ce jour.", "Sources posted that day."),
    COL("comments", INTEGER, "Commentaires publiés ce jour.", "Comments posted that day."),
    COL("votes", INTEGER, "Votes exprimés ce jour et toujours en vigueur.",
        "Votes cast that day and still standing."),
    COL("new_participants", INTEGER, "Participants actifs pour la première fois dans le périmètre.",
        "Participants active in the scope for the first time."),
};

static const cc_od_column statistics_at_close_cols[2 + ST_COUNTERS] = {
    COL("theme", INTEGER, "Thème clos.", "Closed theme."),
    COL("log_size", INTEGER, "Taille du journal juste après la clôture.",
        "Log size right after the closing."),
    COUNTER_COLS,
};

static cc_event_type trash_body_type(const cc_od_row *row, unsigned commitment)
{
    (void)commitment;
    const char *kind = row->cell[TR_KIND];
    if (!strcmp(kind, "contribution")) return CC_EV_CONTRIBUTION_POSTED;
    if (!strcmp(kind, "argument")) return CC_EV_ARGUMENT_POSTED;
    if (!strcmp(kind, "source")) return CC_EV_SOURCE_POSTED;
    if (!strcmp(kind, "comment")) return CC_EV_COMMENT_POSTED;
    return CC_EV_NONE;
}

static cc_event_type publication_body_type(const cc_od_row *row, unsigned commitment)
{
    (void)commitment;
    const char *type = row->cell[PU_TYPE];
    if (!strcmp(type, "consultation")) return CC_EV_CONSULTATION_CONFIGURED;
    if (!strcmp(type, "synthesis")) return CC_EV_SYNTHESIS_PUBLISHED;
    if (!strcmp(type, "recommendations")) return CC_EV_RECOMMENDATIONS_PUBLISHED;
    if (!strcmp(type, "report")) return CC_EV_REPORT_PUBLISHED;
    return CC_EV_NONE;
}

#define TABLE(id_, src, name_, fr_, en_, ofr, oen, cols, nkey_, bt)                                \
    {                                                                                              \
        .id = id_, .source = src, .name = name_, .fr = fr_, .en = en_, .order_fr = ofr,            \
        .order_en = oen, .ncolumns = sizeof cols / sizeof cols[0], .columns = cols, .nkey = nkey_, \
        .body_type = bt                                                                            \
    }

static const cc_od_table tables[] = {
    TABLE(TB_PARTICIPANTS, CC_OD_STORED, "participants", "Participants", "Participants",
          "par pseudonyme", "by pseudonym", participants_cols, 1, NULL),
    TABLE(TB_THEMES, CC_OD_STORED, "themes", "Thèmes", "Themes", "par id", "by id", themes_cols, 1,
          NULL),
    TABLE(TB_SECTIONS, CC_OD_STORED, "sections", "Parties des thèmes", "Sections of the themes",
          "par id", "by id", sections_cols, 1, NULL),
    TABLE(TB_CONTRIBUTIONS, CC_OD_STORED, "contributions", "Contributions", "Contributions",
          "par id", "by id", contributions_cols, 1, NULL),
    TABLE(TB_VERSIONS, CC_OD_STORED, "contribution_versions", "Versions des contributions",
          "Versions of the contributions", "par contribution puis version",
          "by contribution then version", versions_cols, 2, NULL),
    TABLE(TB_ARGUMENTS, CC_OD_STORED, "arguments", "Arguments pour et contre",
          "Arguments for and against", "par id", "by id", arguments_cols, 1, NULL),
    TABLE(TB_SOURCES, CC_OD_STORED, "sources", "Sources", "Sources", "par id", "by id",
          sources_cols, 1, NULL),
    TABLE(TB_COMMENTS, CC_OD_STORED, "comments", "Commentaires", "Comments", "par id", "by id",
          comments_cols, 1, NULL),
    TABLE(TB_VOTES, CC_OD_STORED, "votes", "Votes (vote actuel de chaque participant)",
          "Votes (each participant's current vote)", "par cible puis pseudonyme",
          "by target then pseudonym", votes_cols, 2, NULL),
    TABLE(TB_FLAGS, CC_OD_STORED, "flags", "Signalements", "Flags", "par id", "by id", flags_cols,
          1, NULL),
    TABLE(TB_DECISIONS, CC_OD_STORED, "moderation_decisions", "Décisions de modération",
          "Moderation decisions", "par id", "by id", decisions_cols, 1, NULL),
    TABLE(TB_TRASH, CC_OD_TRASH, "trash", "Corbeille publique", "Public bin",
          "par décision (la plus ancienne d'abord)", "by decision (oldest first)", trash_cols, 1,
          trash_body_type),
    TABLE(TB_DOCUMENTS, CC_OD_STORED, "documents", "Documents publiés", "Published documents",
          "par id", "by id", documents_cols, 1, NULL),
    TABLE(TB_MEETINGS, CC_OD_STORED, "meetings", "Journées contributives", "Contributive meetings",
          "par id", "by id", meetings_cols, 1, NULL),
    TABLE(TB_PUBLICATIONS, CC_OD_STORED, "publications",
          "Présentation, synthèses, recommandations et rapport",
          "Presentation, syntheses, recommendations and report", "par id", "by id",
          publications_cols, 1, publication_body_type),
    TABLE(TB_STATISTICS, CC_OD_STATS, "statistics", "Statistiques par périmètre",
          "Statistics per scope", "par périmètre", "by scope", statistics_cols, 1, NULL),
    TABLE(TB_STATISTICS_DAYS, CC_OD_STATS_DAYS, "statistics_days",
          "Statistiques par périmètre et par jour", "Statistics per scope and day",
          "par périmètre puis jour", "by scope then day", statistics_days_cols, 2, NULL),
    TABLE(TB_STATISTICS_AT_CLOSE, CC_OD_STATS_FROZEN, "statistics_at_close",
          "Statistiques figées à la clôture de chaque thème",
          "Statistics frozen when each theme closed", "par thème", "by theme",
          statistics_at_close_cols, 1, NULL),
};

_Static_assert(sizeof statistics_cols / sizeof statistics_cols[0] <= CC_OD_MAX_COLUMNS,
               "too many columns");

const cc_od_table *cc_opendata_tables(size_t *count)
{
    *count = sizeof tables / sizeof tables[0];
    return tables;
}

const cc_od_table *cc_opendata_table(const char *name)
{
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
        if (!strcmp(tables[i].name, name)) return &tables[i];
    return NULL;
}

static const cc_od_table *table_by_id(uint8_t id)
{
    return &tables[id - 1];
}

const char *cc_od_type_name(cc_od_type t)
{
    switch (t) {
    case CC_OD_INTEGER:
        return "integer";
    case CC_OD_BOOLEAN:
        return "boolean";
    case CC_OD_DATETIME:
        return "datetime";
    case CC_OD_DATE:
        return "date";
    default:
        return "string";
    }
}

/* ---- cells ---------------------------------------------------------------- */

void cc_od_row_init(cc_od_row *row, const cc_od_table *t)
{
    row->n = t->ncolumns;
    for (unsigned i = 0; i < CC_OD_MAX_COLUMNS; i++) {
        row->len[i] = 0;
        row->cell[i][0] = '\0';
    }
}

void cc_od_cell_set(cc_od_row *row, unsigned col, const char *s, size_t len)
{
    if (col >= CC_OD_MAX_COLUMNS) return;
    if (len > CC_OD_CELL_MAX) len = CC_OD_CELL_MAX; /* never: the longest cell is an org (200) */
    memcpy(row->cell[col], s, len);
    row->cell[col][len] = '\0';
    row->len[col] = (uint8_t)len;
}

static void cell_str(cc_od_row *row, unsigned col, const char *s)
{
    cc_od_cell_set(row, col, s ? s : "", s ? strlen(s) : 0);
}

void cc_od_cell_u64(cc_od_row *row, unsigned col, uint64_t v)
{
    char buf[24];
    int n = snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
    cc_od_cell_set(row, col, buf, (size_t)n);
}

/* Civil date from days since 1970-01-01 (H. Hinnant's algorithm), valid for
 * every day a u64 of milliseconds can name. */
static void civil(uint64_t days, uint64_t *y, unsigned *m, unsigned *d)
{
    uint64_t z = days + 719468;
    uint64_t era = z / 146097;
    uint64_t doe = z - era * 146097;
    uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    uint64_t mp = (5 * doy + 2) / 153;
    *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

void cc_od_format_date(uint64_t ms, char *buf, size_t cap)
{
    uint64_t y;
    unsigned m, d;
    civil(ms / 86400000u, &y, &m, &d);
    snprintf(buf, cap, "%04llu-%02u-%02u", (unsigned long long)y, m, d);
}

void cc_od_format_time(uint64_t ms, char *buf, size_t cap)
{
    uint64_t y;
    unsigned m, d;
    civil(ms / 86400000u, &y, &m, &d);
    uint64_t in_day = ms % 86400000u;
    snprintf(buf, cap, "%04llu-%02u-%02uT%02u:%02u:%02u.%03uZ", (unsigned long long)y, m, d,
             (unsigned)(in_day / 3600000u), (unsigned)(in_day / 60000u % 60),
             (unsigned)(in_day / 1000u % 60), (unsigned)(in_day % 1000u));
}

void cc_od_cell_time(cc_od_row *row, unsigned col, uint64_t ms)
{
    char buf[48];
    cc_od_format_time(ms, buf, sizeof buf);
    cell_str(row, col, buf);
}

void cc_od_cell_date(cc_od_row *row, unsigned col, uint64_t ms)
{
    char buf[32];
    cc_od_format_date(ms, buf, sizeof buf);
    cell_str(row, col, buf);
}

void cc_od_cell_hex(cc_od_row *row, unsigned col, const uint8_t *b, size_t n)
{
    char hex[2 * 32 + 1];
    if (n > 32) n = 32;
    cc_hex(b, n, hex);
    cc_od_cell_set(row, col, hex, 2 * n);
}

static void cell_bool(cc_od_row *row, unsigned col, int v)
{
    cell_str(row, col, v ? "true" : "false");
}

static void cell_enum(cc_od_row *row, unsigned col, cc_field f, unsigned v)
{
    cell_str(row, col, cc_field_enum_name(f, v));
}

/* Add delta to a counter cell; a counter below zero means the rows and the
 * log disagree. */
static int cell_add(cc_od_row *row, unsigned col, int delta)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < row->len[col]; i++) {
        char c = row->cell[col][i];
        if (c < '0' || c > '9') return CC_ECORRUPT;
        v = v * 10 + (uint64_t)(c - '0');
    }
    if (delta < 0 && v < (uint64_t)-delta) return CC_ECORRUPT;
    cc_od_cell_u64(row, col, v + (uint64_t)(int64_t)delta);
    return 0;
}

/* ---- rows ----------------------------------------------------------------- */

typedef struct row_key {
    uint8_t b[1 + 16 + 16];
    size_t len;
} row_key;

static row_key key_id(uint8_t table, uint64_t id)
{
    row_key k = {{table}, 9};
    cc_put_be64(k.b + 1, id);
    return k;
}

static row_key key_id2(uint8_t table, uint64_t a, uint64_t b)
{
    row_key k = {{table}, 17};
    cc_put_be64(k.b + 1, a);
    cc_put_be64(k.b + 9, b);
    return k;
}

static row_key key_pseudonym(uint8_t table, const cc_pseudonym *p)
{
    row_key k = {{table}, 1 + CC_PSEUDONYM_LEN};
    memcpy(k.b + 1, p->s, CC_PSEUDONYM_LEN);
    return k;
}

static row_key key_vote(uint64_t target, const cc_pseudonym *p)
{
    row_key k = {{TB_VOTES}, 9 + CC_PSEUDONYM_LEN};
    cc_put_be64(k.b + 1, target);
    memcpy(k.b + 9, p->s, CC_PSEUDONYM_LEN);
    return k;
}

int cc_opendata_row_decode(const cc_od_table *t, const void *val, size_t len, cc_od_row *out)
{
    const uint8_t *p = val;
    cc_od_row_init(out, t);
    if (len < 2 || p[0] != ROW_VERSION || p[1] != t->ncolumns) return CC_ECORRUPT;
    size_t off = 2;
    for (unsigned i = 0; i < t->ncolumns; i++) {
        if (off >= len) return CC_ECORRUPT;
        size_t n = p[off++];
        if (len - off < n) return CC_ECORRUPT;
        cc_od_cell_set(out, i, (const char *)p + off, n);
        off += n;
    }
    return off == len ? 0 : CC_ECORRUPT;
}

static int row_get(MDB_txn *txn, const cc_opendata *od, const row_key *key, cc_od_row *out)
{
    MDB_val k = {key->len, (void *)key->b}, v;
    int rc = mdb_get(txn, od->rows, &k, &v);
    if (rc == MDB_NOTFOUND) return CC_ENOTFOUND;
    if (rc) return cc_from_mdb(rc);
    return cc_opendata_row_decode(table_by_id(key->b[0]), v.mv_data, v.mv_size, out);
}

static int row_put(MDB_txn *txn, const cc_opendata *od, const row_key *key, const cc_od_row *row)
{
    uint8_t buf[2 + CC_OD_MAX_COLUMNS * (1 + CC_OD_CELL_MAX)];
    size_t n = 0;
    buf[n++] = ROW_VERSION;
    buf[n++] = (uint8_t)row->n;
    for (unsigned i = 0; i < row->n; i++) {
        buf[n++] = row->len[i];
        memcpy(buf + n, row->cell[i], row->len[i]);
        n += row->len[i];
    }
    MDB_val k = {key->len, (void *)key->b}, v = {n, buf};
    return cc_from_mdb(mdb_put(txn, od->rows, &k, &v, 0));
}

static int row_del(MDB_txn *txn, const cc_opendata *od, const row_key *key)
{
    MDB_val k = {key->len, (void *)key->b};
    int rc = mdb_del(txn, od->rows, &k, NULL);
    return rc == MDB_NOTFOUND ? CC_ENOTFOUND : cc_from_mdb(rc);
}

int cc_opendata_rows(MDB_txn *txn, const cc_opendata *od, const cc_od_table *t,
                     int (*fn)(const cc_od_row *row, void *arg), void *arg)
{
    if (t->source != CC_OD_STORED) return CC_EINVAL;
    MDB_cursor *c;
    int rc = cc_from_mdb(mdb_cursor_open(txn, od->rows, &c));
    if (rc) return rc;
    uint8_t prefix = t->id;
    MDB_val k = {1, &prefix}, v;
    cc_od_row *row = malloc(sizeof *row);
    if (!row) {
        mdb_cursor_close(c);
        return CC_ENOMEM;
    }
    int mrc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
    while (mrc == 0 && k.mv_size > 0 && *(const uint8_t *)k.mv_data == prefix) {
        if ((rc = cc_opendata_row_decode(t, v.mv_data, v.mv_size, row))) break;
        if ((rc = fn(row, arg))) break;
        mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
    }
    if (!rc && mrc && mrc != MDB_NOTFOUND) rc = cc_from_mdb(mrc);
    free(row);
    mdb_cursor_close(c);
    return rc;
}

/* ---- items ---------------------------------------------------------------- */

typedef struct item {
    uint8_t table; /* table id of its row */
    uint8_t state; /* cc_item_state */
    uint8_t kind;  /* cc_item_kind */
    uint8_t side;
    uint64_t parent, theme;
} item;

static int item_get(MDB_txn *txn, const cc_opendata *od, uint64_t id, item *out)
{
    uint8_t key[8];
    cc_put_be64(key, id);
    MDB_val k = {8, key}, v;
    int rc = mdb_get(txn, od->items, &k, &v);
    if (rc == MDB_NOTFOUND) return CC_ENOTFOUND;
    if (rc) return cc_from_mdb(rc);
    const uint8_t *r = v.mv_data;
    if (v.mv_size != ITEM_RECORD || r[0] != ITEM_VERSION) return CC_ECORRUPT;
    out->table = r[1];
    out->state = r[2];
    out->kind = r[3];
    out->side = r[4];
    out->parent = cc_get_be64(r + 5);
    out->theme = cc_get_be64(r + 13);
    return 0;
}

int cc_opendata_item_state(MDB_txn *txn, const cc_opendata *od, uint64_t id, uint8_t *state)
{
    item it;
    int rc = item_get(txn, od, id, &it);
    if (!rc) *state = it.state;
    return rc;
}

static int item_put(MDB_txn *txn, const cc_opendata *od, uint64_t id, const item *in)
{
    uint8_t key[8], r[ITEM_RECORD] = {ITEM_VERSION, in->table, in->state, in->kind, in->side};
    cc_put_be64(key, id);
    cc_put_be64(r + 5, in->parent);
    cc_put_be64(r + 13, in->theme);
    MDB_val k = {8, key}, v = {sizeof r, r};
    return cc_from_mdb(mdb_put(txn, od->items, &k, &v, 0));
}

static const char *kind_name(uint8_t kind)
{
    static const char *const names[] = {NULL,     "theme",   "section",  "contribution", "argument",
                                        "source", "comment", "document", "meeting"};
    return kind < sizeof names / sizeof names[0] ? names[kind] : NULL;
}

static const char *state_name(uint8_t state)
{
    return state == CC_TRASHED ? "trashed" : state == CC_REMOVED ? "removed" : "published";
}

/* Column of the state cell in an item's row, by table. */
static unsigned state_col(uint8_t table)
{
    switch (table) {
    case TB_CONTRIBUTIONS:
        return C_STATE;
    case TB_ARGUMENTS:
        return A_STATE;
    case TB_SOURCES:
        return SO_STATE;
    default:
        return CM_STATE;
    }
}

/* The counter of the parent's row a child of this kind and side feeds. */
static int parent_counter(const item *child, const item *parent, unsigned *col)
{
    if (parent->table == TB_CONTRIBUTIONS) {
        switch (child->kind) {
        case CC_ITEM_ARGUMENT:
            *col = child->side == CC_SIDE_AGAINST ? C_ARG_AGAINST : C_ARG_FOR;
            return 1;
        case CC_ITEM_SOURCE:
            *col = C_SOURCES;
            return 1;
        case CC_ITEM_COMMENT:
            *col = C_COMMENTS;
            return 1;
        }
    } else if (parent->table == TB_SOURCES && child->kind == CC_ITEM_COMMENT) {
        *col = SO_COMMENTS;
        return 1;
    }
    return 0;
}

static int bump_parent(MDB_txn *txn, const cc_opendata *od, const item *child, int delta)
{
    item parent;
    int rc = item_get(txn, od, child->parent, &parent);
    if (rc) return rc;
    unsigned col;
    if (!parent_counter(child, &parent, &col)) return 0;
    row_key k = key_id(parent.table, child->parent);
    cc_od_row row;
    if ((rc = row_get(txn, od, &k, &row))) return rc;
    if ((rc = cell_add(&row, col, delta))) return rc;
    return row_put(txn, od, &k, &row);
}

/* ---- open flags ------------------------------------------------------------ */

/* Close every open flag on item: status, time and the deciding event. */
static int close_flags(MDB_txn *txn, const cc_opendata *od, uint64_t item_id, const char *status,
                       const cc_apply *a)
{
    uint8_t prefix[8];
    cc_put_be64(prefix, item_id);
    MDB_cursor *c;
    int rc = cc_from_mdb(mdb_cursor_open(txn, od->flags, &c));
    if (rc) return rc;
    for (;;) {
        MDB_val k = {8, prefix}, v;
        int mrc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
        if (mrc == MDB_NOTFOUND) break;
        if (mrc) {
            rc = cc_from_mdb(mrc);
            break;
        }
        if (k.mv_size != 16 || memcmp(k.mv_data, prefix, 8) != 0) break;
        uint64_t flag = cc_get_be64((const uint8_t *)k.mv_data + 8);
        if ((rc = cc_from_mdb(mdb_cursor_del(c, 0)))) break;
        row_key rk = key_id(TB_FLAGS, flag);
        cc_od_row row;
        if ((rc = row_get(txn, od, &rk, &row))) break;
        cell_str(&row, F_STATUS, status);
        cc_od_cell_time(&row, F_CLOSED, a->event->ts);
        cc_od_cell_u64(&row, F_DECISION, a->seq);
        if ((rc = row_put(txn, od, &rk, &row))) break;
    }
    mdb_cursor_close(c);
    return rc;
}

/* ---- apply ------------------------------------------------------------------ */

static int opendata_open(MDB_txn *txn, void *state)
{
    cc_opendata *od = state;
    int rc;
    if ((rc = mdb_dbi_open(txn, "opendata_rows", MDB_CREATE, &od->rows)) ||
        (rc = mdb_dbi_open(txn, "opendata_items", MDB_CREATE, &od->items)) ||
        (rc = mdb_dbi_open(txn, "opendata_flags", MDB_CREATE, &od->flags)))
        return cc_from_mdb(rc);
    return 0;
}

static void commitment_cell(cc_od_row *row, unsigned col, const cc_event *e)
{
    if (cc_event_is_set(e, CC_F_COMMITMENT))
        cc_od_cell_hex(row, col, e->commitment, 32);
    else
        cell_str(row, col, "");
}

static int apply_participant(const cc_opendata *od, const cc_apply *a)
{
    const cc_event *e = a->event;
    cc_od_row row;
    row_key k;
    int rc;
    switch (e->type) {
    case CC_EV_PARTICIPANT_REGISTERED:
        k = key_pseudonym(TB_PARTICIPANTS, &e->by);
        cc_od_row_init(&row, table_by_id(TB_PARTICIPANTS));
        cell_str(&row, P_PSEUDONYM, e->by.s);
        cc_od_cell_date(&row, P_REGISTERED, e->ts);
        cell_bool(&row, P_ERASED, 0);
        break;
    case CC_EV_PARTICIPANT_STATUS_CHANGED:
        k = key_pseudonym(TB_PARTICIPANTS, &e->by);
        if ((rc = row_get(a->txn, od, &k, &row))) return rc;
        break;
    default: /* erased */
        k = key_pseudonym(TB_PARTICIPANTS, &e->p);
        if ((rc = row_get(a->txn, od, &k, &row))) return rc;
        /* Shown as "anonyme" from now on: the organisation goes too. */
        cell_str(&row, P_ORG, "");
        cell_bool(&row, P_ERASED, 1);
        return row_put(a->txn, od, &k, &row);
    }
    cell_enum(&row, P_STATUS, CC_F_STATUS, e->status);
    if (cc_event_is_set(e, CC_F_ORG))
        cc_od_cell_set(&row, P_ORG, e->org, e->org_len);
    else
        cell_str(&row, P_ORG, "");
    return row_put(a->txn, od, &k, &row);
}

static int apply_theme(const cc_opendata *od, const cc_apply *a)
{
    const cc_event *e = a->event;
    cc_od_row row;
    int rc;
    uint64_t id = e->type == CC_EV_THEME_CREATED ? a->seq : e->theme;
    row_key k = key_id(TB_THEMES, id);
    if (e->type == CC_EV_THEME_CREATED) {
        cc_od_row_init(&row, table_by_id(TB_THEMES));
        cc_od_cell_u64(&row, T_ID, a->seq);
        cell_str(&row, T_STATE, "draft");
        cc_od_cell_time(&row, T_CREATED, e->ts);
        item it = {.table = TB_THEMES, .kind = CC_ITEM_THEME, .theme = a->seq};
        if ((rc = item_put(a->txn, od, a->seq, &it))) return rc;
    } else if ((rc = row_get(a->txn, od, &k, &row))) {
        return rc;
    }
    switch (e->type) {
    case CC_EV_THEME_CREATED:
    case CC_EV_THEME_UPDATED:
        cc_od_cell_u64(&row, T_ORDER, e->order);
        cc_od_cell_time(&row, T_OPENS, e->opens);
        cc_od_cell_time(&row, T_CLOSES, e->closes);
        commitment_cell(&row, T_COMMIT, e);
        if (e->type == CC_EV_THEME_UPDATED) cc_od_cell_time(&row, T_UPDATED, e->ts);
        break;
    case CC_EV_THEME_OPENED:
        cell_str(&row, T_STATE, "open");
        cc_od_cell_time(&row, T_OPENED, e->ts);
        cell_str(&row, T_CLOSED, "");
        cell_str(&row, T_CLOSED_SIZE, "");
        break;
    default: /* closed */
        cell_str(&row, T_STATE, "closed");
        cc_od_cell_time(&row, T_CLOSED, e->ts);
        cc_od_cell_u64(&row, T_CLOSED_SIZE, a->seq + 1);
        break;
    }
    return row_put(a->txn, od, &k, &row);
}

static int apply_section(const cc_opendata *od, const cc_apply *a)
{
    const cc_event *e = a->event;
    cc_od_row row;
    int rc;
    uint64_t id = e->type == CC_EV_SECTION_CREATED ? a->seq : e->section;
    row_key k = key_id(TB_SECTIONS, id);
    if (e->type == CC_EV_SECTION_CREATED) {
        cc_od_row_init(&row, table_by_id(TB_SECTIONS));
        cc_od_cell_u64(&row, S_ID, a->seq);
        cc_od_cell_u64(&row, S_THEME, e->theme);
        cc_od_cell_time(&row, S_CREATED, e->ts);
        item it = {
            .table = TB_SECTIONS, .kind = CC_ITEM_SECTION, .parent = e->theme, .theme = e->theme};
        if ((rc = item_put(a->txn, od, a->seq, &it))) return rc;
    } else {
        if ((rc = row_get(a->txn, od, &k, &row))) return rc;
        cc_od_cell_time(&row, S_UPDATED, e->ts);
    }
    cell_enum(&row, S_KIND, CC_F_KIND, e->kind);
    cell_bool(&row, S_POSTING, e->posting);
    cc_od_cell_u64(&row, S_ORDER, e->order);
    commitment_cell(&row, S_COMMIT, e);
    return row_put(a->txn, od, &k, &row);
}

static int add_version(const cc_opendata *od, const cc_apply *a, uint64_t contribution,
                       uint64_t number)
{
    cc_od_row row;
    cc_od_row_init(&row, table_by_id(TB_VERSIONS));
    cc_od_cell_u64(&row, V_CONTRIBUTION, contribution);
    cc_od_cell_u64(&row, V_VERSION, number);
    cc_od_cell_u64(&row, V_ID, a->seq);
    cc_od_cell_time(&row, V_AT, a->event->ts);
    commitment_cell(&row, V_COMMIT, a->event);
    row_key k = key_id2(TB_VERSIONS, contribution, a->seq);
    return row_put(a->txn, od, &k, &row);
}

static int apply_contribution(const cc_opendata *od, const cc_apply *a)
{
    const cc_event *e = a->event;
    cc_od_row row;
    int rc;
    if (e->type == CC_EV_CONTRIBUTION_POSTED) {
        item section;
        if ((rc = item_get(a->txn, od, e->section, &section))) return rc;
        cc_od_row_init(&row, table_by_id(TB_CONTRIBUTIONS));
        cc_od_cell_u64(&row, C_ID, a->seq);
        cc_od_cell_u64(&row, C_THEME, section.theme);
        cc_od_cell_u64(&row, C_SECTION, e->section);
        cell_str(&row, C_AUTHOR, e->by.s);
        cc_od_cell_time(&row, C_POSTED, e->ts);
        cc_od_cell_u64(&row, C_VERSIONS, 1);
        cell_str(&row, C_STATE, state_name(CC_LIVE));
        for (unsigned c = C_AGREE; c <= C_COMMENTS; c++)
            cc_od_cell_u64(&row, c, 0);
        commitment_cell(&row, C_COMMIT, e);
        item it = {.table = TB_CONTRIBUTIONS,
                   .kind = CC_ITEM_CONTRIBUTION,
                   .parent = e->section,
                   .theme = section.theme};
        row_key k = key_id(TB_CONTRIBUTIONS, a->seq);
        if ((rc = item_put(a->txn, od, a->seq, &it)) || (rc = row_put(a->txn, od, &k, &row)))
            return rc;
        return add_version(od, a, a->seq, 1);
    }
    /* edited */
    row_key k = key_id(TB_CONTRIBUTIONS, e->item);
    if ((rc = row_get(a->txn, od, &k, &row))) return rc;
    if ((rc = cell_add(&row, C_VERSIONS, 1))) return rc;
    cc_od_cell_time(&row, C_EDITED, e->ts);
    commitment_cell(&row, C_COMMIT, e);
    if ((rc = row_put(a->txn, od, &k, &row))) return rc;
    uint64_t number = strtoull(row.cell[C_VERSIONS], NULL, 10);
    return add_version(od, a, e->item, number);
}

static int apply_child(const cc_opendata *od, const cc_apply *a)
{
    const cc_event *e = a->event;
    item parent;
    int rc = item_get(a->txn, od, e->item, &parent);
    if (rc) return rc;
    cc_od_row row;
    item it = {.parent = e->item, .theme = parent.theme};
    switch (e->type) {
    case CC_EV_ARGUMENT_POSTED:
        it.table = TB_ARGUMENTS;
        it.kind = CC_ITEM_ARGUMENT;
        it.side = e->side;
        cc_od_row_init(&row, table_by_id(TB_ARGUMENTS));
        cc_od_cell_u64(&row, A_ID, a->seq);
        cc_od_cell_u64(&row, A_CONTRIBUTION, e->item);
        cc_od_cell_u64(&row, A_THEME, parent.theme);
        cell_enum(&row, A_SIDE, CC_F_SIDE, e->side);
        cell_str(&row, A_AUTHOR, e->by.s);
        cc_od_cell_time(&row, A_POSTED, e->ts);
        cell_str(&row, A_STATE, state_name(CC_LIVE));
        cc_od_cell_u64(&row, A_UP, 0);
        commitment_cell(&row, A_COMMIT, e);
        break;
    case CC_EV_SOURCE_POSTED:
        it.table = TB_SOURCES;
        it.kind = CC_ITEM_SOURCE;
        cc_od_row_init(&row, table_by_id(TB_SOURCES));
        cc_od_cell_u64(&row, SO_ID, a->seq);
        cc_od_cell_u64(&row, SO_CONTRIBUTION, e->item);
        cc_od_cell_u64(&row, SO_THEME, parent.theme);
        cell_str(&row, SO_AUTHOR, e->by.s);
        cc_od_cell_time(&row, SO_POSTED, e->ts);
        cell_str(&row, SO_STATE, state_name(CC_LIVE));
        cc_od_cell_u64(&row, SO_COMMENTS, 0);
        commitment_cell(&row, SO_COMMIT, e);
        break;
    default: /* comment */
        it.table = TB_COMMENTS;
        it.kind = CC_ITEM_COMMENT;
        cc_od_row_init(&row, table_by_id(TB_COMMENTS));
        cc_od_cell_u64(&row, CM_ID, a->seq);
        cc_od_cell_u64(&row, CM_PARENT, e->item);
        cell_str(&row, CM_PARENT_KIND, kind_name(parent.kind));
        cc_od_cell_u64(&row, CM_THEME, parent.theme);
        cell_str(&row, CM_AUTHOR, e->by.s);
        cc_od_cell_time(&row, CM_POSTED, e->ts);
        cell_str(&row, CM_STATE, state_name(CC_LIVE));
        commitment_cell(&row, CM_COMMIT, e);
        break;
    }
    row_key k = key_id(it.table, a->seq);
    if ((rc = item_put(a->txn, od, a->seq, &it)) || (rc = row_put(a->txn, od, &k, &row))) return rc;
    return bump_parent(a->txn, od, &it, 1);
}

static unsigned vote_col(uint8_t value)
{
    switch (value) {
    case CC_VOTE_AGREE:
        return C_AGREE;
    case CC_VOTE_MITIGATED:
        return C_MITIGATED;
    case CC_VOTE_DISAGREE:
        return C_DISAGREE;
    default:
        return A_UP;
    }
}

static int apply_vote(const cc_opendata *od, const cc_apply *a)
{
    const cc_event *e = a->event;
    row_key vk = key_vote(e->item, &e->by);
    cc_od_row vote, target;
    int rc = row_get(a->txn, od, &vk, &vote);
    uint8_t old = 0;
    if (rc == 0)
        old = (uint8_t)cc_field_enum_value(CC_F_VALUE, vote.cell[VO_VALUE], vote.len[VO_VALUE]);
    else if (rc != CC_ENOTFOUND)
        return rc;
    item it;
    if ((rc = item_get(a->txn, od, e->item, &it))) return rc;
    row_key tk = key_id(it.table, e->item);
    if ((rc = row_get(a->txn, od, &tk, &target))) return rc;
    if (old && (rc = cell_add(&target, vote_col(old), -1))) return rc;
    if (e->type == CC_EV_VOTE_WITHDRAWN) {
        if (!old) return CC_ECORRUPT;
        if ((rc = row_del(a->txn, od, &vk))) return rc;
    } else {
        cc_od_row_init(&vote, table_by_id(TB_VOTES));
        cc_od_cell_u64(&vote, VO_TARGET, e->item);
        cell_str(&vote, VO_PSEUDONYM, e->by.s);
        cell_enum(&vote, VO_VALUE, CC_F_VALUE, e->value);
        cc_od_cell_time(&vote, VO_AT, e->ts);
        if ((rc = row_put(a->txn, od, &vk, &vote))) return rc;
        if ((rc = cell_add(&target, vote_col(e->value), 1))) return rc;
    }
    return row_put(a->txn, od, &tk, &target);
}

static int apply_flag(const cc_opendata *od, const cc_apply *a)
{
    const cc_event *e = a->event;
    item it;
    int rc = item_get(a->txn, od, e->item, &it);
    if (rc) return rc;
    cc_od_row row;
    cc_od_row_init(&row, table_by_id(TB_FLAGS));
    cc_od_cell_u64(&row, F_ID, a->seq);
    cc_od_cell_u64(&row, F_ITEM, e->item);
    cell_str(&row, F_ITEM_KIND, kind_name(it.kind));
    cell_str(&row, F_FLAGGER, e->by.s);
    cell_enum(&row, F_REASON, CC_F_FLAG_REASON, e->reason);
    cc_od_cell_time(&row, F_RAISED, e->ts);
    cell_str(&row, F_STATUS, "open");
    commitment_cell(&row, F_COMMIT, e);
    row_key k = key_id(TB_FLAGS, a->seq);
    if ((rc = row_put(a->txn, od, &k, &row))) return rc;
    uint8_t fk[16];
    cc_put_be64(fk, e->item);
    cc_put_be64(fk + 8, a->seq);
    MDB_val key = {16, fk}, none = {0, NULL};
    return cc_from_mdb(mdb_put(a->txn, od->flags, &key, &none, 0));
}

static int apply_moderation(const cc_opendata *od, const cc_apply *a)
{
    const cc_event *e = a->event;
    item it;
    int rc = item_get(a->txn, od, e->item, &it);
    if (rc) return rc;
    cc_od_row row;
    cc_od_row_init(&row, table_by_id(TB_DECISIONS));
    cc_od_cell_u64(&row, D_ID, a->seq);
    cc_od_cell_u64(&row, D_ITEM, e->item);
    cell_str(&row, D_ITEM_KIND, kind_name(it.kind));
    cell_str(&row, D_MODERATOR, e->by.s);
    cc_od_cell_time(&row, D_AT, e->ts);
    commitment_cell(&row, D_COMMIT, e);
    const char *decision;
    uint8_t state = it.state;
    switch (e->type) {
    case CC_EV_FLAG_DISMISSED:
        decision = "dismissed";
        break;
    case CC_EV_ITEM_TRASHED:
        decision = "trashed";
        cell_enum(&row, D_REASON, CC_F_TRASH_REASON, e->reason);
        state = CC_TRASHED;
        break;
    case CC_EV_ITEM_REMOVED:
        decision = "removed";
        cell_enum(&row, D_REASON, CC_F_GROUND, e->ground);
        state = CC_REMOVED;
        break;
    default:
        decision = "restored";
        state = CC_LIVE;
        break;
    }
    cell_str(&row, D_DECISION, decision);
    row_key k = key_id(TB_DECISIONS, a->seq);
    if ((rc = row_put(a->txn, od, &k, &row))) return rc;
    if (e->type != CC_EV_ITEM_RESTORED && (rc = close_flags(a->txn, od, e->item, decision, a)))
        return rc;
    if (state == it.state) return 0;
    /* The item's own row shows its state; a removal takes it out of its
     * parent's counters (removal is final: nothing puts it back). */
    row_key ik = key_id(it.table, e->item);
    cc_od_row irow;
    if ((rc = row_get(a->txn, od, &ik, &irow))) return rc;
    cell_str(&irow, state_col(it.table), state_name(state));
    if ((rc = row_put(a->txn, od, &ik, &irow))) return rc;
    if (state == CC_REMOVED && it.kind != CC_ITEM_CONTRIBUTION &&
        (rc = bump_parent(a->txn, od, &it, -1)))
        return rc;
    it.state = state;
    return item_put(a->txn, od, e->item, &it);
}

static int apply_document(const cc_opendata *od, const cc_apply *a)
{
    const cc_event *e = a->event;
    cc_od_row row;
    cc_od_row_init(&row, table_by_id(TB_DOCUMENTS));
    cc_od_cell_u64(&row, DO_ID, a->seq);
    if (cc_event_is_set(e, CC_F_THEME)) cc_od_cell_u64(&row, DO_THEME, e->theme);
    cc_od_cell_time(&row, DO_PUBLISHED, e->ts);
    cc_od_cell_hex(&row, DO_SHA256, e->file_hash, 32);
    cc_od_cell_u64(&row, DO_SIZE, e->file_size);
    cell_enum(&row, DO_MIME, CC_F_MIME, e->mime);
    char path[10 + 64 + 1];
    memcpy(path, "documents/", 10);
    cc_hex(e->file_hash, 32, path + 10);
    cell_str(&row, DO_FILE, path);
    commitment_cell(&row, DO_COMMIT, e);
    item it = {.table = TB_DOCUMENTS,
               .kind = CC_ITEM_DOCUMENT,
               .theme = cc_event_is_set(e, CC_F_THEME) ? e->theme : 0};
    row_key k = key_id(TB_DOCUMENTS, a->seq);
    int rc = item_put(a->txn, od, a->seq, &it);
    return rc ? rc : row_put(a->txn, od, &k, &row);
}

static int apply_meeting(const cc_opendata *od, const cc_apply *a)
{
    const cc_event *e = a->event;
    cc_od_row row;
    int rc;
    if (e->type == CC_EV_MEETING_REPORTED) {
        row_key k = key_id(TB_MEETINGS, e->item);
        if ((rc = row_get(a->txn, od, &k, &row))) return rc;
        cc_od_cell_time(&row, M_REPORTED, e->ts);
        commitment_cell(&row, M_REPORT_COMMIT, e);
        return row_put(a->txn, od, &k, &row);
    }
    cc_od_row_init(&row, table_by_id(TB_MEETINGS));
    cc_od_cell_u64(&row, M_ID, a->seq);
    if (cc_event_is_set(e, CC_F_THEME)) cc_od_cell_u64(&row, M_THEME, e->theme);
    cc_od_cell_time(&row, M_SCHEDULED, e->ts);
    cc_od_cell_time(&row, M_AT, e->at);
    commitment_cell(&row, M_COMMIT, e);
    item it = {.table = TB_MEETINGS,
               .kind = CC_ITEM_MEETING,
               .theme = cc_event_is_set(e, CC_F_THEME) ? e->theme : 0};
    row_key k = key_id(TB_MEETINGS, a->seq);
    if ((rc = item_put(a->txn, od, a->seq, &it))) return rc;
    return row_put(a->txn, od, &k, &row);
}

static int apply_publication(const cc_opendata *od, const cc_apply *a)
{
    const cc_event *e = a->event;
    cc_od_row row;
    cc_od_row_init(&row, table_by_id(TB_PUBLICATIONS));
    cc_od_cell_u64(&row, PU_ID, a->seq);
    const char *type = e->type == CC_EV_CONSULTATION_CONFIGURED     ? "consultation"
                       : e->type == CC_EV_SYNTHESIS_PUBLISHED       ? "synthesis"
                       : e->type == CC_EV_RECOMMENDATIONS_PUBLISHED ? "recommendations"
                                                                    : "report";
    cell_str(&row, PU_TYPE, type);
    if (cc_event_is_set(e, CC_F_THEME)) cc_od_cell_u64(&row, PU_THEME, e->theme);
    if (cc_event_is_set(e, CC_F_LOG_SIZE)) cc_od_cell_u64(&row, PU_LOG_SIZE, e->log_size);
    cc_od_cell_time(&row, PU_PUBLISHED, e->ts);
    commitment_cell(&row, PU_COMMIT, e);
    row_key k = key_id(TB_PUBLICATIONS, a->seq);
    return row_put(a->txn, od, &k, &row);
}

static int opendata_apply(void *state, const cc_apply *a)
{
    const cc_opendata *od = state;
    switch (a->event->type) {
    case CC_EV_PARTICIPANT_REGISTERED:
    case CC_EV_PARTICIPANT_STATUS_CHANGED:
    case CC_EV_PARTICIPANT_ERASED:
        return apply_participant(od, a);
    case CC_EV_THEME_CREATED:
    case CC_EV_THEME_UPDATED:
    case CC_EV_THEME_OPENED:
    case CC_EV_THEME_CLOSED:
        return apply_theme(od, a);
    case CC_EV_SECTION_CREATED:
    case CC_EV_SECTION_UPDATED:
        return apply_section(od, a);
    case CC_EV_CONTRIBUTION_POSTED:
    case CC_EV_CONTRIBUTION_EDITED:
        return apply_contribution(od, a);
    case CC_EV_ARGUMENT_POSTED:
    case CC_EV_SOURCE_POSTED:
    case CC_EV_COMMENT_POSTED:
        return apply_child(od, a);
    case CC_EV_VOTE_CAST:
    case CC_EV_VOTE_CHANGED:
    case CC_EV_VOTE_WITHDRAWN:
        return apply_vote(od, a);
    case CC_EV_FLAG_RAISED:
        return apply_flag(od, a);
    case CC_EV_FLAG_DISMISSED:
    case CC_EV_ITEM_TRASHED:
    case CC_EV_ITEM_REMOVED:
    case CC_EV_ITEM_RESTORED:
        return apply_moderation(od, a);
    case CC_EV_DOCUMENT_PUBLISHED:
        return apply_document(od, a);
    case CC_EV_MEETING_SCHEDULED:
    case CC_EV_MEETING_REPORTED:
        return apply_meeting(od, a);
    case CC_EV_CONSULTATION_CONFIGURED:
    case CC_EV_SYNTHESIS_PUBLISHED:
    case CC_EV_RECOMMENDATIONS_PUBLISHED:
    case CC_EV_REPORT_PUBLISHED:
        return apply_publication(od, a);
    case CC_EV_ROLE_GRANTED:
    case CC_EV_ROLE_REVOKED:
        return 0; /* roles are not published */
    default:
        return CC_EUNKNOWNTYPE;
    }
}

const cc_projection cc_projection_opendata = {
    .name = "opendata",
    .version = 1,
    .state_size = sizeof(cc_opendata),
    .open = opendata_open,
    .apply = opendata_apply,
};
