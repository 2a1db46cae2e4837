/* mail.h - outgoing e-mail: account confirmation, password reset, moderation
 * notices.
 *
 * A mailer delivers in one of two ways, chosen when it is opened:
 *   - SMTP through libcurl, when the operator configured a relay
 *     (smtp://host[:port] or smtps://host[:port]);
 *   - otherwise, the zero-config default: one .eml file per message under
 *     DIR/mail, and one line on stderr naming the file, so a fresh install
 *     can confirm its first account by opening that file.
 *
 * Every message is plain text, UTF-8, quoted-printable, and 7-bit clean, so
 * any relay carries it unchanged. Recipient, subject and sender are checked
 * before anything is built: a CR, LF or any other control character is
 * refused (no header injection), and addresses must have a plain
 * local@domain shape (see cc_mail_address_check).
 *
 * Sending blocks: an SMTP exchange lasts up to the configured timeout, and a
 * file is fsynced. Never call cc_mail_send on an event-loop thread; hand the
 * message to a cc_mail_queue (one background thread) or to a worker.
 *
 * Caveats:
 *   - The first cc_mail_open calls curl_global_init once for the process;
 *     nothing calls curl_global_cleanup (process lifetime).
 *   - Handles use CURLOPT_NOSIGNAL (required for threads), so libcurl does
 *     not guard against SIGPIPE on TLS connections: the process must ignore
 *     SIGPIPE (concerto serve does).
 *   - A message that fails is not retried; the queue logs it and moves on.
 *   - Internationalised addresses (SMTPUTF8) and domain literals are refused.
 */
#ifndef CONCERTO_HTTP_MAIL_H
#define CONCERTO_HTTP_MAIL_H

#include <stddef.h>

/* Longest address accepted (RFC 5321's path limit minus the angle
 * brackets). */
#define CC_MAIL_ADDR_MAX 254
/* Size of the error buffer cc_mail_send fills (libcurl's CURL_ERROR_SIZE). */
#define CC_MAIL_ERRBUF 256
/* Longest subject and body accepted, in bytes. */
#define CC_MAIL_SUBJECT_MAX 900
#define CC_MAIL_BODY_MAX (1024 * 1024)

typedef struct cc_mailer cc_mailer;

typedef struct cc_mail_config {
    /* SMTP mode when set: "smtp://host[:port][/ehlo-name]" or "smtps://...".
     * Credentials may be in the URL or in user/password. The EHLO name
     * defaults to the From domain. */
    const char *smtp_url;
    const char *user;     /* optional SMTP AUTH */
    const char *password; /* optional SMTP AUTH */
    /* smtp:// only: upgrade with STARTTLS and refuse to send without it.
     * Off, credentials are only accepted when the host is loopback, so a
     * password never crosses a network in clear. (smtps:// is TLS from the
     * first byte.) Certificates are always verified. */
    int starttls;
    /* File mode when smtp_url is NULL: the data directory; messages go to
     * DIR/mail, created (0700) if missing. */
    const char *dir;
    const char *from;      /* required: envelope sender and From address */
    const char *from_name; /* optional display name, UTF-8 */
    /* SMTP: limit for a whole exchange, connect included; 0 means 30 s. */
    unsigned timeout_ms;
} cc_mail_config;

/* Check cfg and create a mailer (the strings are copied; cfg may go away).
 * CC_EINVAL for a missing From or a missing mode, for control characters in
 * From or its name, or for credentials that would travel in clear;
 * CC_EEMAIL for a malformed From; CC_EUTF8 or CC_ETOOLONG (200 bytes) for
 * the name; CC_EURL for a URL that is not smtp:// or smtps:// with a host;
 * a negated errno when DIR/mail cannot be created (-ENOTDIR when it is not
 * a directory); CC_EIO if libcurl cannot initialise; CC_ENOMEM. Opening
 * never connects: a wrong host shows at the first send. */
int cc_mail_open(const cc_mail_config *cfg, cc_mailer **out);
/* Free a mailer. No cc_mail_send or queue may be using it any more. */
void cc_mail_free(cc_mailer *m);

/* Build and deliver one message to one recipient. subject is one line of
 * UTF-8; body is UTF-8 text, lines separated by "\n" or "\r\n" (a final
 * line break is added if missing). Safe to call from several threads at once
 * on the same mailer. Blocks (see above).
 *
 * Returns 0 once the relay accepted the message or the file is durable.
 * Refused before any I/O: CC_EINVAL (NULL argument, or a control character
 * in to or subject), CC_EEMAIL (to is not an address), CC_EUTF8,
 * CC_ETOOLONG, CC_ENOMEM. Delivery failures: CC_EIO for SMTP (connection,
 * timeout, TLS, rejection), a negated errno for the file. When err is not
 * NULL it receives (CC_MAIL_ERRBUF bytes, NUL-terminated) a lowercase
 * one-line reason fit for a log, e.g. libcurl's message; "" on success. */
int cc_mail_send(cc_mailer *m, const char *to, const char *subject, const char *body, char *err);

/* 0 when addr (NUL-terminated) is an address this module sends to: a
 * dot-atom local part (letters, digits, !#$%&'*+-/=?^_`{|}~ and single inner
 * dots, at most 64 bytes) '@' a host name of at least two labels (letters,
 * digits, inner hyphens, 1..63 bytes each), at most CC_MAIL_ADDR_MAX bytes.
 * CC_EINVAL for NULL or control characters, CC_EEMAIL otherwise. Stricter
 * than cc_email_normalize in the vault: no quoted local parts, no '<', ','
 * or ';' that would change a header's meaning. */
int cc_mail_address_check(const char *addr);

/* An asynchronous queue: one background thread delivers, in order, messages
 * that event-loop threads push without blocking. */
typedef struct cc_mail_queue cc_mail_queue;

/* Start the thread. capacity (>= 1) bounds the messages waiting, not
 * counting the one being delivered. m must outlive the queue. CC_EINVAL,
 * CC_ENOMEM, or a negated errno from pthread_create. */
int cc_mail_queue_start(cc_mailer *m, unsigned capacity, cc_mail_queue **out);
/* Build the message now (so argument errors come back here, with the codes
 * of cc_mail_send) and queue it. When the queue is full, the message is
 * dropped, one line is logged on stderr, and -EAGAIN returned. Never blocks
 * on I/O. Delivery failures are logged on stderr by the thread. */
int cc_mail_queue_push(cc_mail_queue *q, const char *to, const char *subject, const char *body);
/* Messages waiting (not counting the one being delivered): a gauge. */
unsigned cc_mail_queue_length(cc_mail_queue *q);
/* Deliver everything still queued, stop the thread and free the queue. May
 * take up to (length + 1) times the SMTP timeout when the relay is down. No
 * push may run concurrently with or after this call. */
void cc_mail_queue_free(cc_mail_queue *q);

#endif
