/* command.h - what producers ask the writer to do, and what they get back.
 *
 * A command is owned by its producer: it must stay valid (with every slice
 * it points to) until its completion has run. The writer fills `result`. */
#ifndef CONCERTO_COMMAND_H
#define CONCERTO_COMMAND_H

#include "body.h"
#include "event.h"
#include "vault.h"

typedef enum cc_command_kind {
    /* Append one event on behalf of event.by (a participant, moderator or
     * admin). The writer fills ts and the commitment to body. */
    CC_CMD_EVENT = 1,
    /* Create an unconfirmed account (account.pwhash already computed). */
    CC_CMD_ACCOUNT_CREATE,
    /* Consume a confirmation token: the account becomes a participant and
     * participant.registered is appended. */
    CC_CMD_ACCOUNT_CONFIRM,
    /* Rectify username, e-mail (direct; the site re-confirms first),
     * password or status (appends participant.status_changed). */
    CC_CMD_ACCOUNT_UPDATE,
    /* Delete an account: vault rows erased, participant.erased appended. */
    CC_CMD_ACCOUNT_ERASE,
    /* Open a session for an already authenticated participant. */
    CC_CMD_SESSION_CREATE,
    CC_CMD_SESSION_DELETE,
    /* Create a one-time token (password reset, e-mail change). */
    CC_CMD_TOKEN_CREATE,
    /* Consume a reset token and set a new password (ends all sessions). */
    CC_CMD_PASSWORD_RESET,
    /* Consume an e-mail change token (CC_TOKEN_EMAIL_CHANGE, created with
     * the new address as its data) and make that address the account's. */
    CC_CMD_EMAIL_CONFIRM,
} cc_command_kind;

typedef struct cc_result {
    int rc;                 /* 0 or the reason for rejection */
    uint64_t seq;           /* first sequence number appended */
    uint32_t count;         /* number of events appended */
    uint64_t log_size;      /* log size after the batch committed */
    cc_field field;         /* event field at fault, CC_F_COUNT_ if none */
    int body_field;         /* body field at fault, -1 if none */
    cc_pseudonym pseudonym; /* account commands: whose */
    char token[CC_TOKEN_TEXT_LEN + 1];
} cc_result;

typedef struct cc_command cc_command;
typedef void (*cc_command_done)(cc_command *cmd, void *arg);

struct cc_command {
    cc_command_kind kind;
    cc_event event;       /* CC_CMD_EVENT: type, by and the type's fields */
    cc_body body;         /* CC_CMD_EVENT: text fields when the type has a body */
    int has_body;         /* for types whose commitment is optional */
    cc_slice file;        /* document.published: the file as received */
    cc_account account;   /* ACCOUNT_CREATE; ACCOUNT_UPDATE (fields below say which) */
    cc_pseudonym subject; /* ACCOUNT_UPDATE/ERASE/SESSION_CREATE/TOKEN_CREATE */
    cc_pseudonym actor;   /* ACCOUNT_ERASE: who asks (the subject or an admin) */
    int update_username, update_email, update_password, update_status;
    cc_token_purpose purpose; /* TOKEN_CREATE, ACCOUNT_CONFIRM uses CC_TOKEN_CONFIRM */
    const char *token;        /* CONFIRM, SESSION_DELETE, PASSWORD_RESET */
    size_t token_len;
    uint64_t ttl_ms; /* tokens and sessions; 0 for the defaults */
    cc_result result;

    /* Writer's own. */
    cc_command_done done_;
    void *done_arg_;
    cc_command *next_;
};

/* Default lifetimes. */
#define CC_CONFIRM_TTL_MS (48ull * 3600 * 1000)
#define CC_RESET_TTL_MS (2ull * 3600 * 1000)
#define CC_SESSION_TTL_MS (30ull * 24 * 3600 * 1000)

void cc_command_init(cc_command *cmd, cc_command_kind kind);
/* Shorthand for CC_CMD_EVENT: init with event type and actor. */
void cc_command_event(cc_command *cmd, cc_event_type type, const cc_pseudonym *by);
/* Set a body field from a NUL-terminated string. */
void cc_command_body(cc_command *cmd, cc_body_field f, const char *text);

#endif
