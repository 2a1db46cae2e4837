/* mail.c - building RFC 5322 messages and delivering them by SMTP or as
 * .eml files.
 *
 * A message is built completely in memory before any I/O: headers, then
 * the body in quoted-printable. Building first means every refusal (a bad
 * address, a CR hidden in a subject) happens before a connection is opened
 * or a file created, and the asynchronous queue can return those refusals
 * to its caller synchronously, keeping only the delivery for its thread.
 *
 * Why quoted-printable rather than 8bit: the whole message stays 7-bit
 * ASCII with lines of at most 76 characters, so it needs neither the
 * relay's 8BITMIME nor anything else from a smarthost we do not control,
 * and no body line can reach SMTP's 998-character limit whatever text the
 * caller passes. The cost is a body about a third larger for accented
 * French text, which is nothing for a confirmation link. SMTPUTF8 never
 * arises: addresses are ASCII (cc_mail_address_check) and the subject and
 * display name travel as RFC 2047 encoded-words.
 *
 * Two header details that avoid surprises downstream:
 *   - a plain-ASCII subject that contains "=?" is encoded anyway, or a
 *     reader would try to decode it as an encoded-word;
 *   - "Auto-Submitted: auto-generated" (RFC 3834) keeps vacation
 *     responders from answering the no-reply sender.
 * In the body, "From " at the start of a line is written "=46rom ", so mbox
 * deliveries do not rewrite it as ">From ". A line starting with '.' is left
 * alone: SMTP dot-stuffing is libcurl's job, and the tests check it is done.
 *
 * SMTP: one libcurl easy handle per message, created and destroyed in the
 * calling thread, so the mailer itself is read-only after cc_mail_open and
 * needs no lock. The handle gets CURLOPT_NOSIGNAL (libcurl would otherwise
 * use SIGALRM for DNS timeouts, which is unsafe with threads), a total
 * timeout, and is limited to the smtp and smtps protocols. The only global
 * state is curl_global_init, run once under pthread_once. Connection reuse
 * is given up; mail is rare enough that a handshake per message is fine.
 *
 * Files: written as DIR/mail/.NAME.tmp, fsynced, renamed to
 * DIR/mail/NAME.eml and the directory fsynced, so a reader listing *.eml
 * never sees a partial message and a crash never loses one we reported as
 * written. NAME is the UTC time to the millisecond, which sorts the
 * directory by sending order, and 64 random bits, which keep concurrent
 * senders apart (O_EXCL makes sure of it).
 *
 * The queue is a ring of built messages under one mutex, consumed by one
 * thread in order. It never blocks its producers: when full, the new
 * message is dropped and logged; a site that sends more mail than its relay
 * takes has a problem a bigger queue would only hide. */
#include "mail.h"

#include "error.h"
#include "text.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_TIMEOUT_MS 30000u
#define MAX_CONNECT_TIMEOUT_MS 10000u
#define FROM_NAME_MAX 200
/* A header line should stay within 78 characters (RFC 5322 2.1.1). */
#define HEADER_LINE 78
/* Quoted-printable lines are at most 76 characters (RFC 2045 6.7). */
#define QP_LINE 76
/* UTF-8 bytes per encoded-word: 42 bytes are 56 base64 characters, a
 * 68-character word, so "Subject: " plus one word fits in HEADER_LINE. */
#define WORD_BYTES 42
/* Message-ID: 32 hex digits, '@', the From domain. */
#define MSGID_MAX (32 + 1 + CC_MAIL_ADDR_MAX + 1)

struct cc_mailer {
    int smtp;
    /* SMTP mode */
    char *url; /* normalised by libcurl, EHLO name as its path */
    char *user, *password;
    int starttls;
    long timeout_ms, connect_timeout_ms;
    char mail_from[CC_MAIL_ADDR_MAX + 3]; /* "<from>" */
    /* file mode */
    char *maildir;
    /* both */
    char from[CC_MAIL_ADDR_MAX + 1];
    const char *domain; /* inside from */
    char *from_header;  /* "From: ...\r\n", built once */
};

/* A built message, ready for delivery. */
typedef struct mail_msg {
    char to[CC_MAIL_ADDR_MAX + 1];
    char id[MSGID_MAX]; /* Message-ID without the brackets, for logs */
    char *data;
    size_t len;
} mail_msg;

/* ---- A growing buffer that remembers running out of memory ------------ */

typedef struct buf {
    char *p;
    size_t len, cap;
    int oom;
} buf;

static void buf_put(buf *b, const void *s, size_t n)
{
    if (b->oom) return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->len + n)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

static void buf_puts(buf *b, const char *s)
{
    buf_put(b, s, strlen(s));
}

static void buf_putc(buf *b, char c)
{
    buf_put(b, &c, 1);
}

/* ---- Small helpers ------------------------------------------------------ */

static void set_err(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void set_err(char *err, const char *fmt, ...)
{
    if (!err) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, CC_MAIL_ERRBUF, fmt, ap);
    va_end(ap);
}

/* strerror is not required to be thread-safe; the GNU strerror_r is. */
static const char *errno_text(int e, char *tmp, size_t cap)
{
    return strerror_r(e, tmp, cap);
}

/* n random bytes (n <= 16) as 2n hex digits. */
static int random_hex(size_t n, char *out)
{
    uint8_t r[16];
    size_t got = 0;
    while (got < n) {
        ssize_t k = getrandom(r + got, n - got, 0);
        if (k < 0) {
            if (errno == EINTR) continue;
            return -errno;
        }
        got += (size_t)k;
    }
    cc_hex(r, n, out);
    return 0;
}

static int is_atext(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

static int is_ldh(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

/* ---- Addresses ------------------------------------------------------------ */

int cc_mail_address_check(const char *addr)
{
    if (!addr) return CC_EINVAL;
    size_t n = strlen(addr);
    /* Control characters first, and as CC_EINVAL: they are not a typo in an
     * address but an attempt to add header lines or SMTP commands. */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)addr[i];
        if (c < 0x20 || c == 0x7F) return CC_EINVAL;
    }
    if (n == 0 || n > CC_MAIL_ADDR_MAX) return CC_EEMAIL;
    const char *at = strchr(addr, '@');
    if (!at) return CC_EEMAIL;
    size_t local = (size_t)(at - addr);
    if (local == 0 || local > 64) return CC_EEMAIL;
    /* dot-atom: atext runs separated by single dots */
    for (size_t i = 0; i < local; i++) {
        unsigned char c = (unsigned char)addr[i];
        if (c == '.') {
            if (i == 0 || i == local - 1 || addr[i - 1] == '.') return CC_EEMAIL;
        } else if (!is_atext(c)) {
            return CC_EEMAIL; /* also a second '@', spaces, quotes, non-ASCII */
        }
    }
    /* host name: LDH labels of 1..63 bytes, at least two of them */
    const char *d = at + 1;
    size_t labels = 0, len = 0;
    for (size_t i = 0;; i++) {
        unsigned char c = (unsigned char)d[i];
        if (c == '.' || c == '\0') {
            if (len == 0 || len > 63 || d[i - 1] == '-' || d[i - len] == '-') return CC_EEMAIL;
            labels++;
            len = 0;
            if (c == '\0') break;
        } else if (is_ldh(c)) {
            len++;
        } else {
            return CC_EEMAIL;
        }
    }
    return labels >= 2 ? 0 : CC_EEMAIL;
}

/* ---- Headers ------------------------------------------------------------- */

static void put_base64(buf *b, const unsigned char *s, size_t n)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)s[i] << 16;
        if (i + 1 < n) v |= (uint32_t)s[i + 1] << 8;
        if (i + 2 < n) v |= s[i + 2];
        char q[4] = {tab[v >> 18], tab[(v >> 12) & 63], i + 1 < n ? tab[(v >> 6) & 63] : '=',
                     i + 2 < n ? tab[v & 63] : '='};
        buf_put(b, q, 4);
    }
}

/* Append v as RFC 2047 "B" encoded-words, folded one word per line.
 * Returns the length of the last line so far, given col before. */
static size_t put_encoded_words(buf *b, size_t col, const char *v, size_t len)
{
    size_t i = 0;
    while (i < len) {
        size_t n = len - i < WORD_BYTES ? len - i : WORD_BYTES;
        /* An encoded-word must hold whole characters (RFC 2047 section 5),
         * so back off to the start of a UTF-8 sequence. v is valid UTF-8,
         * so at most three bytes are given back. */
        while (i + n < len && ((unsigned char)v[i + n] & 0xC0) == 0x80)
            n--;
        if (i > 0) {
            buf_puts(b, "\r\n ");
            col = 1;
        }
        buf_puts(b, "=?UTF-8?B?");
        put_base64(b, (const unsigned char *)v + i, n);
        buf_puts(b, "?=");
        col += 12 + (n + 2) / 3 * 4;
        i += n;
    }
    return col;
}

/* Append "Name: value" for an unstructured field (Subject), or the display
 * name of a From field (phrase set). Plain ASCII that fits on the line goes
 * as is; anything else is encoded. Returns the length of the last line. */
static size_t put_text(buf *b, const char *name, const char *v, int phrase)
{
    size_t len = strlen(v), col = strlen(name) + 2;
    int plain = col + len <= HEADER_LINE && !strstr(v, "=?");
    for (size_t i = 0; plain && i < len; i++) {
        unsigned char c = (unsigned char)v[i];
        /* A phrase allows atext and spaces; anything else (a '.', a quote)
         * would need a quoted-string, and an encoded-word is as good. */
        plain = phrase ? (is_atext(c) || c == ' ') : (c >= 0x20 && c < 0x7F);
    }
    /* Leading or trailing blanks would be lost by unfolding readers. */
    if (phrase && plain && len && (v[0] == ' ' || v[len - 1] == ' ')) plain = 0;
    buf_puts(b, name);
    buf_puts(b, ": ");
    if (plain) {
        buf_put(b, v, len);
        return col + len;
    }
    return put_encoded_words(b, col, v, len);
}

static void put_date(buf *b, time_t t)
{
    static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct tm tm;
    gmtime_r(&t, &tm);
    /* Written by hand: strftime's %a and %b follow the locale, RFC 5322
     * wants the English names. */
    char s[64];
    snprintf(s, sizeof s, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday % 7],
             tm.tm_mday, months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
             tm.tm_sec);
    buf_puts(b, s);
}

/* ---- Body -------------------------------------------------------------- */

/* Append s[0..len) in quoted-printable, "\n" and "\r\n" becoming CRLF line
 * breaks (RFC 2045 6.7). */
static void put_qp(buf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t i = 0;
    while (i < len) {
        const char *nl = memchr(s + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - s) : len, stop = end;
        if (stop > i && s[stop - 1] == '\r') stop--;
        size_t col = 0;
        for (size_t k = i; k < stop; k++) {
            unsigned char c = (unsigned char)s[k];
            int last = k + 1 == stop;
            /* Blanks at the end of a line are encoded: transports strip
             * them. Other bytes are encoded when not printable ASCII. */
            int enc = c == '=' || c > 0x7E || (c < 0x20 && c != '\t') ||
                      ((c == ' ' || c == '\t') && last);
            size_t w = enc ? 3 : 1;
            /* Keep room for the '=' of a soft line break, unless this is
             * the line's last character. */
            if (col + w > (last ? QP_LINE : QP_LINE - 1)) {
                buf_puts(b, "=\r\n");
                col = 0;
            }
            if (!enc && col == 0 && c == 'F' && stop - k >= 5 && !memcmp(s + k, "From ", 5)) {
                enc = 1;
                w = 3;
            }
            if (enc) {
                char e[3] = {'=', hex[c >> 4], hex[c & 15]};
                buf_put(b, e, 3);
            } else {
                buf_putc(b, (char)c);
            }
            col += w;
        }
        buf_puts(b, "\r\n");
        i = end + 1; /* past the '\n'; past len when there was none */
    }
}

/* ---- Building -------------------------------------------------------------- */

static int build(const cc_mailer *m, const char *to, const char *subject, const char *body,
                 mail_msg *msg)
{
    if (!m || !to || !subject || !body) return CC_EINVAL;
    int rc = cc_mail_address_check(to);
    if (rc) return rc;
    size_t slen = strlen(subject);
    rc = cc_text_check(subject, slen, 0, CC_MAIL_SUBJECT_MAX, CC_TEXT_SINGLE_LINE);
    if (rc == CC_ECONTROL) return CC_EINVAL;
    if (rc) return rc;
    size_t blen = strnlen(body, CC_MAIL_BODY_MAX + 1);
    if (blen > CC_MAIL_BODY_MAX) return CC_ETOOLONG;
    rc = cc_utf8_check(body, blen);
    if (rc) return rc;

    char rnd[33];
    rc = random_hex(16, rnd);
    if (rc) return rc;
    snprintf(msg->id, sizeof msg->id, "%s@%s", rnd, m->domain);
    snprintf(msg->to, sizeof msg->to, "%s", to);

    buf b = {0};
    buf_puts(&b, m->from_header);
    buf_puts(&b, "To: ");
    buf_puts(&b, to);
    buf_puts(&b, "\r\n");
    put_text(&b, "Subject", subject, 0);
    buf_puts(&b, "\r\n");
    put_date(&b, time(NULL));
    buf_puts(&b, "Message-ID: <");
    buf_puts(&b, msg->id);
    buf_puts(&b, ">\r\n"
                 "MIME-Version: 1.0\r\n"
                 "Content-Type: text/plain; charset=utf-8\r\n"
                 "Content-Transfer-Encoding: quoted-printable\r\n"
                 "Auto-Submitted: auto-generated\r\n"
                 "\r\n");
    put_qp(&b, body, blen);
    if (b.oom) {
        free(b.p);
        return CC_ENOMEM;
    }
    msg->data = b.p;
    msg->len = b.len;
    return 0;
}

/* ---- SMTP ------------------------------------------------------------------ */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void curl_init_once(void)
{
    curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

typedef struct reader {
    const char *p;
    size_t left;
} reader;

static size_t read_cb(char *dst, size_t size, size_t nitems, void *arg)
{
    reader *r = arg;
    size_t n = size * nitems;
    if (n > r->left) n = r->left;
    memcpy(dst, r->p, n);
    r->p += n;
    r->left -= n;
    return n;
}

static int smtp_deliver(const cc_mailer *m, const mail_msg *msg, char *err)
{
    CURL *c = curl_easy_init();
    if (!c) {
        set_err(err, "smtp: cannot create a curl handle");
        return CC_ENOMEM;
    }
    char rcpt_addr[CC_MAIL_ADDR_MAX + 3];
    snprintf(rcpt_addr, sizeof rcpt_addr, "<%s>", msg->to);
    struct curl_slist *rcpt = curl_slist_append(NULL, rcpt_addr);
    if (!rcpt) {
        curl_easy_cleanup(c);
        set_err(err, "smtp: out of memory");
        return CC_ENOMEM;
    }
    char ebuf[CURL_ERROR_SIZE] = "";
    reader r = {msg->data, msg->len};
    CURLcode rc = CURLE_OK;
    /* Stop at the first option libcurl refuses: an unknown option means a
     * libcurl too old for what we rely on, which must not pass silently. */
#define SET(opt, val)                                                                              \
    if (rc == CURLE_OK) rc = curl_easy_setopt(c, opt, val)
    SET(CURLOPT_ERRORBUFFER, ebuf);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    SET(CURLOPT_URL, m->url);
    SET(CURLOPT_TIMEOUT_MS, m->timeout_ms);
    SET(CURLOPT_CONNECTTIMEOUT_MS, m->connect_timeout_ms);
    SET(CURLOPT_MAIL_FROM, m->mail_from);
    SET(CURLOPT_MAIL_RCPT, rcpt);
    SET(CURLOPT_READFUNCTION, read_cb);
    SET(CURLOPT_READDATA, &r);
    SET(CURLOPT_UPLOAD, 1L);
    if (m->user) SET(CURLOPT_USERNAME, m->user);
    if (m->password) SET(CURLOPT_PASSWORD, m->password);
    if (m->starttls) SET(CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
#undef SET
    if (rc == CURLE_OK) rc = curl_easy_perform(c);
    int ret = 0;
    if (rc != CURLE_OK) {
        /* The URL is not logged: it may carry credentials. */
        set_err(err, "smtp: %s", ebuf[0] ? ebuf : curl_easy_strerror(rc));
        ret = rc == CURLE_OUT_OF_MEMORY ? CC_ENOMEM : CC_EIO;
    }
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(c);
    return ret;
}

static int is_loopback(const char *host)
{
    return !strcmp(host, "localhost") || !strncmp(host, "127.", 4) || !strcmp(host, "[::1]");
}

static int smtp_setup(cc_mailer *m, const cc_mail_config *cfg)
{
    pthread_once(&curl_once, curl_init_once);
    if (curl_init_rc != CURLE_OK) return CC_EIO;
    CURLU *u = curl_url();
    if (!u) return CC_ENOMEM;
    char *scheme = NULL, *host = NULL, *user = NULL, *path = NULL, *full = NULL;
    int rc = CC_EURL;
    if (curl_url_set(u, CURLUPART_URL, cfg->smtp_url, 0) != CURLUE_OK) goto out;
    if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK) goto out;
    if (strcmp(scheme, "smtp") && strcmp(scheme, "smtps")) goto out;
    if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || !*host) goto out;
    curl_url_get(u, CURLUPART_USER, &user, 0);
    int plain = !strcmp(scheme, "smtp") && !cfg->starttls;
    if ((cfg->user || cfg->password || user) && plain && !is_loopback(host)) {
        rc = CC_EINVAL;
        goto out;
    }
    /* libcurl sends the URL's path as the EHLO name, "localhost" without
     * one; the From domain is a better guess at our own name. */
    if (curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK || !strcmp(path, "/")) {
        char p[CC_MAIL_ADDR_MAX + 2];
        snprintf(p, sizeof p, "/%s", m->domain);
        if (curl_url_set(u, CURLUPART_PATH, p, 0) != CURLUE_OK) goto out;
    }
    if (curl_url_get(u, CURLUPART_URL, &full, 0) != CURLUE_OK) goto out;
    rc = CC_ENOMEM;
    m->url = strdup(full);
    if (!m->url) goto out;
    if (cfg->user && !(m->user = strdup(cfg->user))) goto out;
    if (cfg->password && !(m->password = strdup(cfg->password))) goto out;
    m->smtp = 1;
    m->starttls = cfg->starttls && !strcmp(scheme, "smtp");
    unsigned t = cfg->timeout_ms ? cfg->timeout_ms : DEFAULT_TIMEOUT_MS;
    m->timeout_ms = (long)t;
    m->connect_timeout_ms = (long)(t < MAX_CONNECT_TIMEOUT_MS ? t : MAX_CONNECT_TIMEOUT_MS);
    snprintf(m->mail_from, sizeof m->mail_from, "<%s>", m->from);
    rc = 0;
out:
    curl_free(scheme);
    curl_free(host);
    curl_free(user);
    curl_free(path);
    curl_free(full);
    curl_url_cleanup(u);
    return rc;
}

/* ---- Files ----------------------------------------------------------------- */

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t k = write(fd, p, n);
        if (k < 0) {
            if (errno == EINTR) continue;
            return -errno;
        }
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

static int file_deliver(const cc_mailer *m, const mail_msg *msg, char *err)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char rnd[17];
    int rc = random_hex(8, rnd);
    if (rc) {
        set_err(err, "getrandom failed");
        return rc;
    }
    char name[128];
    snprintf(name, sizeof name, "%04d%02d%02dT%02d%02d%02d.%03ldZ-%s.eml", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000,
             rnd);
    size_t cap = strlen(m->maildir) + sizeof name + 8;
    char *final = malloc(cap), *tmp = malloc(cap);
    if (!final || !tmp) {
        free(final);
        free(tmp);
        set_err(err, "out of memory");
        return CC_ENOMEM;
    }
    snprintf(final, cap, "%s/%s", m->maildir, name);
    snprintf(tmp, cap, "%s/.%s.tmp", m->maildir, name);

    char et[128];
    const char *what = "open";
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        rc = -errno;
        goto fail;
    }
    /* The umask can only remove bits, but a strange one (0277) could
     * remove ours; the message holds a password-reset link. */
    what = "chmod";
    if (fchmod(fd, 0600)) rc = -errno;
    if (!rc) {
        what = "write";
        rc = write_all(fd, msg->data, msg->len);
    }
    if (!rc) {
        what = "fsync";
        if (fsync(fd)) rc = -errno;
    }
    if (close(fd) && !rc) {
        what = "close";
        rc = -errno;
    }
    if (!rc) {
        what = "rename";
        if (rename(tmp, final)) rc = -errno;
    }
    if (rc) {
        unlink(tmp);
        goto fail;
    }
    /* The rename is durable once the directory is. */
    int dfd = open(m->maildir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || fsync(dfd)) {
        rc = -errno;
        what = "fsync";
        if (dfd >= 0) close(dfd);
        set_err(err, "%s %s: %s", what, m->maildir, errno_text(-rc, et, sizeof et));
        free(final);
        free(tmp);
        return rc;
    }
    close(dfd);
    /* The caller logs the link; this line says where the whole message is. */
    fprintf(stderr, "concerto mail: message written to %s\n", final);
    free(final);
    free(tmp);
    return 0;
fail:
    set_err(err, "%s %s: %s", what, tmp, errno_text(-rc, et, sizeof et));
    free(final);
    free(tmp);
    return rc;
}

static int file_setup(cc_mailer *m, const char *dir)
{
    size_t n = strlen(dir) + sizeof "/mail";
    m->maildir = malloc(n);
    if (!m->maildir) return CC_ENOMEM;
    snprintf(m->maildir, n, "%s/mail", dir);
    /* 0700: the files are private (confirmation and reset links). */
    if (mkdir(m->maildir, 0700) && errno != EEXIST) return -errno;
    struct stat st;
    if (stat(m->maildir, &st)) return -errno;
    if (!S_ISDIR(st.st_mode)) return -ENOTDIR;
    return 0;
}

/* ---- Mailer ---------------------------------------------------------------- */

static int deliver(const cc_mailer *m, const mail_msg *msg, char *err)
{
    return m->smtp ? smtp_deliver(m, msg, err) : file_deliver(m, msg, err);
}

int cc_mail_open(const cc_mail_config *cfg, cc_mailer **out)
{
    if (!out) return CC_EINVAL;
    *out = NULL;
    if (!cfg || !cfg->from || (!cfg->smtp_url && !cfg->dir)) return CC_EINVAL;
    int rc = cc_mail_address_check(cfg->from);
    if (rc) return rc;
    if (cfg->from_name) {
        rc = cc_text_check(cfg->from_name, strlen(cfg->from_name), 0, FROM_NAME_MAX,
                           CC_TEXT_SINGLE_LINE);
        if (rc) return rc == CC_ECONTROL ? CC_EINVAL : rc;
    }
    cc_mailer *m = calloc(1, sizeof *m);
    if (!m) return CC_ENOMEM;
    snprintf(m->from, sizeof m->from, "%s", cfg->from);
    m->domain = strchr(m->from, '@') + 1;

    buf b = {0};
    if (cfg->from_name && *cfg->from_name) {
        size_t col = put_text(&b, "From", cfg->from_name, 1);
        /* Fold before the address rather than exceed the line length. */
        buf_puts(&b, col + 3 + strlen(m->from) > HEADER_LINE ? "\r\n <" : " <");
        buf_puts(&b, m->from);
        buf_puts(&b, ">\r\n");
    } else {
        buf_puts(&b, "From: ");
        buf_puts(&b, m->from);
        buf_puts(&b, "\r\n");
    }
    buf_putc(&b, '\0');
    if (b.oom) {
        free(b.p);
        cc_mail_free(m);
        return CC_ENOMEM;
    }
    m->from_header = b.p;

    rc = cfg->smtp_url ? smtp_setup(m, cfg) : file_setup(m, cfg->dir);
    if (rc) {
        cc_mail_free(m);
        return rc;
    }
    *out = m;
    return 0;
}

void cc_mail_free(cc_mailer *m)
{
    if (!m) return;
    free(m->url);
    free(m->user);
    if (m->password) {
        /* Do not leave the relay's password in freed memory. */
        volatile char *p = m->password;
        while (*p)
            *p++ = 0;
        free(m->password);
    }
    free(m->maildir);
    free(m->from_header);
    free(m);
}

int cc_mail_send(cc_mailer *m, const char *to, const char *subject, const char *body, char *err)
{
    if (err) err[0] = '\0';
    mail_msg msg;
    int rc = build(m, to, subject, body, &msg);
    if (rc) {
        set_err(err, "message refused: %s", cc_strerror(rc));
        return rc;
    }
    rc = deliver(m, &msg, err);
    free(msg.data);
    return rc;
}

/* ---- Queue ----------------------------------------------------------------- */

struct cc_mail_queue {
    cc_mailer *m;
    pthread_mutex_t lock;
    pthread_cond_t nonempty;
    mail_msg *ring;
    unsigned cap, head, count;
    int stopping;
    pthread_t thread;
};

static void *queue_main(void *arg)
{
    cc_mail_queue *q = arg;
    pthread_mutex_lock(&q->lock);
    for (;;) {
        while (q->count == 0 && !q->stopping)
            pthread_cond_wait(&q->nonempty, &q->lock);
        /* Stopping still drains: shutdown flushes what was accepted. */
        if (q->count == 0) break;
        mail_msg msg = q->ring[q->head];
        q->head = (q->head + 1) % q->cap;
        q->count--;
        pthread_mutex_unlock(&q->lock);

        char err[CC_MAIL_ERRBUF] = "";
        int rc = deliver(q->m, &msg, err);
        if (rc) fprintf(stderr, "concerto mail: message <%s> not delivered: %s\n", msg.id, err);
        free(msg.data);

        pthread_mutex_lock(&q->lock);
    }
    pthread_mutex_unlock(&q->lock);
    return NULL;
}

int cc_mail_queue_start(cc_mailer *m, unsigned capacity, cc_mail_queue **out)
{
    if (!out) return CC_EINVAL;
    *out = NULL;
    if (!m || capacity == 0) return CC_EINVAL;
    cc_mail_queue *q = calloc(1, sizeof *q);
    if (!q) return CC_ENOMEM;
    q->ring = calloc(capacity, sizeof *q->ring);
    if (!q->ring) {
        free(q);
        return CC_ENOMEM;
    }
    q->m = m;
    q->cap = capacity;
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->nonempty, NULL);
    /* The thread starts with every signal blocked, so process-directed
     * signals (SIGINT, SIGTERM) keep going to the threads meant for them. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&q->thread, NULL, queue_main, q);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc) {
        pthread_cond_destroy(&q->nonempty);
        pthread_mutex_destroy(&q->lock);
        free(q->ring);
        free(q);
        return -rc;
    }
    *out = q;
    return 0;
}

int cc_mail_queue_push(cc_mail_queue *q, const char *to, const char *subject, const char *body)
{
    if (!q) return CC_EINVAL;
    mail_msg msg;
    int rc = build(q->m, to, subject, body, &msg);
    if (rc) return rc;
    pthread_mutex_lock(&q->lock);
    if (q->count == q->cap) {
        pthread_mutex_unlock(&q->lock);
        fprintf(stderr, "concerto mail: queue full (%u), message <%s> dropped\n", q->cap, msg.id);
        free(msg.data);
        return -EAGAIN;
    }
    q->ring[(q->head + q->count) % q->cap] = msg;
    q->count++;
    pthread_cond_signal(&q->nonempty);
    pthread_mutex_unlock(&q->lock);
    return 0;
}

unsigned cc_mail_queue_length(cc_mail_queue *q)
{
    if (!q) return 0;
    pthread_mutex_lock(&q->lock);
    unsigned n = q->count;
    pthread_mutex_unlock(&q->lock);
    return n;
}

void cc_mail_queue_free(cc_mail_queue *q)
{
    if (!q) return;
    pthread_mutex_lock(&q->lock);
    q->stopping = 1;
    pthread_cond_signal(&q->nonempty);
    pthread_mutex_unlock(&q->lock);
    pthread_join(q->thread, NULL);
    pthread_cond_destroy(&q->nonempty);
    pthread_mutex_destroy(&q->lock);
    free(q->ring);
    free(q);
}
