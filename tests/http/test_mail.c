/* test_mail.c - messages are well-formed RFC 5322 and survive the trip:
 * written as .eml files (parsed back and decoded here with decoders of our
 * own, not the module's), or sent to a real SMTP server on loopback
 * (tests/http/smtp_sink.py on Debian's aiosmtpd) whose received envelope and
 * data are checked. Header injection is refused before anything is written;
 * an unreachable or silent relay fails with CC_EIO within the timeout; the
 * queue flushes on shutdown and drops, without blocking, when full. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "error.h"
#include "mail.h"
#include "text.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- Fixtures ------------------------------------------------------------ */

static const char *FROM = "noreply@example.org";

/* Long, accented, with lines SMTP and mbox care about: a lone ".", lines
 * starting with "." and "..", "From ", trailing blanks, '=', a line longer
 * than 76 characters, characters of 2, 3 and 4 bytes, no final newline. */
static const char *BODY =
    "Bonjour Élodie,\n"
    "\n"
    "Pour confirmer votre adresse, ouvrez ce lien : "
    "https://concerto.example.org/confirm?token=0123456789abcdef0123456789abcdef0123456789ab"
    "cdef (valable 24 h).\n"
    ".\n"
    ".signature à la ligne\n"
    "..deux points\n"
    "From the team — l’équipe\n"
    "espaces en fin de ligne   \n"
    "tab\tinside and at the end\t\n"
    "a=b, 100 % garanti ; «guillemets» ☃ 😀\r\n"
    "dernière ligne sans saut";

static const char *SUBJECT =
    "Confirmez votre inscription à la consultation « Vélo en ville » — dernière étape avant de "
    "participer";

static char *tempdir(const char *tag)
{
    const char *base = getenv("TMPDIR");
    if (!base || !*base) base = "/tmp";
    char *path = malloc(strlen(base) + strlen(tag) + 32);
    assert_non_null(path);
    sprintf(path, "%s/concerto-%s-XXXXXX", base, tag);
    assert_non_null(mkdtemp(path));
    return path;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void rmtree(const char *path)
{
    nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static char *path_join(const char *a, const char *b)
{
    char *p = malloc(strlen(a) + strlen(b) + 2);
    assert_non_null(p);
    sprintf(p, "%s/%s", a, b);
    return p;
}

/* Whole file, NUL-terminated; NULL when it does not exist. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)n + 1);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    p[n] = '\0';
    if (len) *len = (size_t)n;
    return p;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* Names in dir (any entry but . and ..), sorted; returns the count. */
static int list_dir(const char *dir, char names[][256], int max)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        if (n < max) snprintf(names[n], 256, "%s", e->d_name);
        n++;
    }
    closedir(d);
    if (n <= max) qsort(names, (size_t)n, 256, cmp_name);
    return n;
}

/* "\n" and "\r\n" as CRLF, plus a final CRLF: what a body decodes to. */
static char *crlf(const char *s)
{
    char *out = malloc(strlen(s) * 2 + 3);
    assert_non_null(out);
    size_t n = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '\r' && p[1] == '\n') continue;
        if (*p == '\n') out[n++] = '\r';
        out[n++] = *p;
    }
    if (n < 2 || out[n - 1] != '\n') {
        out[n++] = '\r';
        out[n++] = '\n';
    }
    out[n] = '\0';
    return out;
}

/* ---- Independent decoders ------------------------------------------------ */

static int b64val(char c)
{
    const char *tab = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *p = c ? strchr(tab, c) : NULL;
    return p ? (int)(p - tab) : -1;
}

/* Decode n base64 characters (padded) into out; returns the byte count. */
static size_t b64_decode(const char *s, size_t n, char *out)
{
    assert_int_equal(n % 4, 0);
    size_t k = 0;
    for (size_t i = 0; i < n; i += 4) {
        int v[4];
        for (int j = 0; j < 4; j++) {
            v[j] = s[i + j] == '=' ? 0 : b64val(s[i + j]);
            assert_true(v[j] >= 0);
        }
        uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | v[3];
        out[k++] = (char)(w >> 16);
        if (s[i + 2] != '=') out[k++] = (char)(w >> 8);
        if (s[i + 3] != '=') out[k++] = (char)w;
    }
    return k;
}

/* An unfolded unstructured value: plain text, or a run of encoded-words
 * separated by blanks (which RFC 2047 says to drop). Each word must be at
 * most 75 characters and decode to valid UTF-8 on its own. */
static char *decode_words(const char *v)
{
    char *out = malloc(strlen(v) + 1);
    assert_non_null(out);
    if (strncmp(v, "=?", 2)) {
        strcpy(out, v);
        return out;
    }
    size_t n = 0;
    const char *p = v;
    while (*p) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p) break;
        assert_true(strncmp(p, "=?UTF-8?B?", 10) == 0);
        const char *end = strstr(p + 10, "?=");
        assert_non_null(end);
        assert_true(end + 2 - p <= 75);
        size_t k = b64_decode(p + 10, (size_t)(end - p - 10), out + n);
        assert_int_equal(cc_utf8_check(out + n, k), 0);
        n += k;
        p = end + 2;
        assert_true(*p == '\0' || *p == ' ');
    }
    out[n] = '\0';
    return out;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1; /* lowercase hex is not canonical quoted-printable */
}

static char *qp_decode(const char *s)
{
    char *out = malloc(strlen(s) + 1);
    assert_non_null(out);
    size_t n = 0;
    for (const char *p = s; *p; p++) {
        if (*p != '=') {
            out[n++] = *p;
            continue;
        }
        if (p[1] == '\r' && p[2] == '\n') { /* soft line break */
            p += 2;
            continue;
        }
        int hi = hexval(p[1]), lo = hi < 0 ? -1 : hexval(p[2]);
        assert_true(hi >= 0 && lo >= 0);
        out[n++] = (char)(hi << 4 | lo);
        p += 2;
    }
    out[n] = '\0';
    return out;
}

/* ---- Parsing a message back ------------------------------------------------ */

typedef struct parsed {
    int n;
    char name[32][64];
    char value[32][1024]; /* unfolded */
    const char *body;     /* raw (quoted-printable), inside the message */
} parsed;

static void parse(const char *raw, size_t len, parsed *p)
{
    memset(p, 0, sizeof *p);
    /* 7-bit, no NUL, every line ends in CRLF, no bare CR or LF */
    assert_true(len >= 2 && raw[len - 2] == '\r' && raw[len - 1] == '\n');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)raw[i];
        assert_true(c > 0 && c < 0x80);
        if (c == '\n') assert_true(i > 0 && raw[i - 1] == '\r');
        if (c == '\r') assert_true(i + 1 < len && raw[i + 1] == '\n');
    }
    const char *sep = strstr(raw, "\r\n\r\n");
    assert_non_null(sep);
    p->body = sep + 4;

    const char *line = raw;
    while (line < sep + 2) {
        const char *eol = strstr(line, "\r\n");
        size_t n = (size_t)(eol - line);
        assert_true(n <= 78);                    /* RFC 5322 2.1.1 */
        if (line[0] == ' ' || line[0] == '\t') { /* continuation: unfold */
            assert_true(p->n > 0);
            char *v = p->value[p->n - 1];
            assert_true(strlen(v) + n < sizeof p->value[0]);
            strncat(v, line, n);
        } else {
            const char *colon = memchr(line, ':', n);
            assert_non_null(colon);
            assert_true(p->n < 32);
            size_t nl = (size_t)(colon - line);
            assert_true(nl < 64 && colon[1] == ' ');
            memcpy(p->name[p->n], line, nl);
            memcpy(p->value[p->n], colon + 2, n - nl - 2);
            p->n++;
        }
        line = eol + 2;
    }
    /* quoted-printable lines are at most 76 characters (RFC 2045 6.7) and
     * never end in a blank, which transports may strip */
    for (const char *l = p->body; *l;) {
        const char *eol = strstr(l, "\r\n");
        assert_true(eol - l <= 76);
        assert_true(eol == l || (eol[-1] != ' ' && eol[-1] != '\t'));
        l = eol + 2;
    }
}

/* The one value of a header that must appear exactly once. */
static const char *header(const parsed *p, const char *name)
{
    const char *v = NULL;
    for (int i = 0; i < p->n; i++) {
        if (strcasecmp(p->name[i], name)) continue;
        if (v) fail_msg("header %s appears twice", name);
        v = p->value[i];
    }
    if (!v) fail_msg("header %s missing", name);
    return v;
}

/* Everything a message from our mailer must satisfy; returns the decoded
 * subject (caller frees). */
static char *check_message(const char *raw, size_t len, const char *to, const char *body)
{
    parsed p;
    parse(raw, len, &p);
    assert_string_equal(header(&p, "To"), to);
    assert_string_equal(header(&p, "MIME-Version"), "1.0");
    assert_string_equal(header(&p, "Content-Type"), "text/plain; charset=utf-8");
    assert_string_equal(header(&p, "Content-Transfer-Encoding"), "quoted-printable");
    assert_string_equal(header(&p, "Auto-Submitted"), "auto-generated");
    /* no other header, in particular none smuggled in */
    assert_int_equal(p.n, 9);

    /* Date: RFC 5322, UTC, now */
    struct tm tm = {0};
    const char *end = strptime(header(&p, "Date"), "%a, %d %b %Y %H:%M:%S +0000", &tm);
    assert_non_null(end);
    assert_int_equal(*end, '\0');
    long skew = (long)(timegm(&tm) - time(NULL));
    assert_true(skew > -60 && skew < 60);

    /* Message-ID: <32 hex digits @ the From domain> */
    const char *id = header(&p, "Message-ID");
    assert_int_equal(strlen(id), 1 + 32 + 1 + strlen("example.org") + 1);
    assert_int_equal(id[0], '<');
    for (int i = 1; i <= 32; i++)
        assert_non_null(strchr("0123456789abcdef", id[i]));
    assert_string_equal(id + 33, "@example.org>");

    /* mbox-safe: no line starts with "From " */
    assert_null(strstr(p.body, "\r\nFrom "));
    assert_true(strncmp(p.body, "From ", 5) != 0);

    char *decoded = qp_decode(p.body), *want = crlf(body);
    assert_string_equal(decoded, want);
    free(decoded);
    free(want);
    return decode_words(header(&p, "Subject"));
}

static char *message_id(const char *raw)
{
    const char *h = strstr(raw, "\r\nMessage-ID: <");
    assert_non_null(h);
    return strndup(h + 15, 32);
}

/* ---- .eml mode ----------------------------------------------------------- */

static cc_mailer *open_files(const char *dir, const char *name)
{
    cc_mail_config cfg = {.dir = dir, .from = FROM, .from_name = name};
    cc_mailer *m = NULL;
    assert_int_equal(cc_mail_open(&cfg, &m), 0);
    assert_non_null(m);
    return m;
}

/* The one .eml file in dir/mail (no temporary left behind). */
static char *only_eml(const char *dir, size_t *len, char **path_out)
{
    char *mail = path_join(dir, "mail");
    char names[4][256];
    assert_int_equal(list_dir(mail, names, 4), 1);
    size_t n = strlen(names[0]);
    assert_true(n > 4 && !strcmp(names[0] + n - 4, ".eml"));
    assert_true(names[0][0] != '.');
    char *path = path_join(mail, names[0]);
    free(mail);
    char *raw = slurp(path, len);
    assert_non_null(raw);
    if (path_out)
        *path_out = path;
    else
        free(path);
    return raw;
}

static void eml_message_is_complete(void **state)
{
    (void)state;
    char *dir = tempdir("mail");
    cc_mailer *m = open_files(dir, "Concertation de Saint-Étienne");
    char err[CC_MAIL_ERRBUF] = "x";
    assert_int_equal(cc_mail_send(m, "elodie@example.net", SUBJECT, BODY, err), 0);
    assert_string_equal(err, "");

    char *mail = path_join(dir, "mail");
    struct stat st;
    assert_int_equal(stat(mail, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);

    size_t len;
    char *path;
    char *raw = only_eml(dir, &len, &path);
    assert_int_equal(stat(path, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0600);

    char *subject = check_message(raw, len, "elodie@example.net", BODY);
    assert_string_equal(subject, SUBJECT);
    /* long and accented: folded into several encoded-words */
    assert_non_null(strstr(raw, "Subject: =?UTF-8?B?"));
    assert_non_null(strstr(raw, "?=\r\n =?UTF-8?B?"));
    /* display name encoded, address after it */
    parsed p;
    parse(raw, len, &p);
    const char *from = header(&p, "From");
    const char *lt = strrchr(from, '<');
    assert_non_null(lt);
    assert_string_equal(lt, "<noreply@example.org>");
    char *name = strndup(from, (size_t)(lt - from - 1));
    char *decoded = decode_words(name);
    assert_string_equal(decoded, "Concertation de Saint-Étienne");
    /* the lone "." is in the file as is: dot-stuffing belongs to SMTP */
    assert_non_null(strstr(p.body, "\r\n.\r\n"));
    assert_non_null(strstr(p.body, "\r\n=46rom the team"));

    free(decoded);
    free(name);
    free(subject);
    free(raw);
    free(path);
    free(mail);
    cc_mail_free(m);
    rmtree(dir);
    free(dir);
}

static void eml_plain_headers_stay_plain(void **state)
{
    (void)state;
    struct {
        const char *name, *subject, *from_line, *subject_line;
    } cases[] = {
        {NULL, "Hello", "From: noreply@example.org\r\n", "Subject: Hello\r\n"},
        {"Concerto", "Your account", "From: Concerto <noreply@example.org>\r\n",
         "Subject: Your account\r\n"},
        /* "=?" in plain text would be read as an encoded-word: encode it */
        {"", "Price =?ok", "From: noreply@example.org\r\n", "Subject: =?UTF-8?B?"},
        /* '.' is not allowed bare in a display name: encoded, not quoted */
        {"St. Denis", "", "From: =?UTF-8?B?", "Subject: \r\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *dir = tempdir("mail");
        cc_mailer *m = open_files(dir, cases[i].name);
        assert_int_equal(cc_mail_send(m, "bob@example.com", cases[i].subject, "Hi", NULL), 0);
        size_t len;
        char *raw = only_eml(dir, &len, NULL);
        assert_true(strncmp(raw, cases[i].from_line, strlen(cases[i].from_line)) == 0);
        assert_non_null(strstr(raw, cases[i].subject_line));
        char *subject = check_message(raw, len, "bob@example.com", "Hi");
        assert_string_equal(subject, cases[i].subject);
        free(subject);
        free(raw);
        cc_mail_free(m);
        rmtree(dir);
        free(dir);
    }
}

/* Encoded-words hold whole characters whatever the mix of 1- to 4-byte
 * sequences (decode_words checks each word on its own). */
static void subject_words_hold_whole_characters(void **state)
{
    (void)state;
    char subjects[4][400] = {"a", "ab", "abc", ""};
    for (int i = 0; i < 30; i++) {
        strcat(subjects[0], "€"); /* 3 bytes, after 1 */
        strcat(subjects[1], "😀"); /* 4 bytes, after 2 */
        strcat(subjects[2], "é"); /* 2 bytes, after 3 */
        strcat(subjects[3], i % 2 ? "😀" : "é€x");
    }
    char *dir = tempdir("mail");
    cc_mailer *m = open_files(dir, NULL);
    char *mail = path_join(dir, "mail");
    for (int i = 0; i < 4; i++) {
        assert_int_equal(cc_mail_send(m, "bob@example.com", subjects[i], "Hi", NULL), 0);
        char names[2][256];
        assert_int_equal(list_dir(mail, names, 2), 1);
        char *path = path_join(mail, names[0]);
        size_t len;
        char *raw = slurp(path, &len);
        char *subject = check_message(raw, len, "bob@example.com", "Hi");
        assert_string_equal(subject, subjects[i]);
        unlink(path);
        free(subject);
        free(raw);
        free(path);
    }
    free(mail);
    cc_mail_free(m);
    rmtree(dir);
    free(dir);
}

static void injection_is_refused_before_writing(void **state)
{
    (void)state;
    char *dir = tempdir("mail");
    cc_mailer *m = open_files(dir, NULL);
    char *mail = path_join(dir, "mail");
    struct {
        const char *to, *subject, *body;
        int rc;
    } cases[] = {
        {"a@example.org\r\nBcc: victim@example.com", "Hi", "b", CC_EINVAL},
        {"a@example.org\nBcc: victim@example.com", "Hi", "b", CC_EINVAL},
        {"a@example.org", "Hi\r\nBcc: victim@example.com", "b", CC_EINVAL},
        {"a@example.org", "Hi\nX-Evil: 1", "b", CC_EINVAL},
        {"a@example.org", "Hi\rthere", "b", CC_EINVAL},
        {"a@example.org", "tab\there", "b", CC_EINVAL},
        {"a@example.org", "bell\a", "b", CC_EINVAL},
        {"a@example.org", "del\x7f", "b", CC_EINVAL},
        {"a@example.org", "c1 \xc2\x85 next line", "b", CC_EINVAL},
        {"a@example.org\x7f", "Hi", "b", CC_EINVAL},
        {"a@example.org, victim@example.com", "Hi", "b", CC_EEMAIL},
        {"Victim <victim@example.com>", "Hi", "b", CC_EEMAIL},
        {"a@example.org>", "Hi", "b", CC_EEMAIL},
        {"a@example.org", "bad \xc3\x28 utf-8", "b", CC_EUTF8},
        {"a@example.org", "Hi", "bad \xff body", CC_EUTF8},
        {NULL, "Hi", "b", CC_EINVAL},
        {"a@example.org", NULL, "b", CC_EINVAL},
        {"a@example.org", "Hi", NULL, CC_EINVAL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char err[CC_MAIL_ERRBUF] = "";
        int rc = cc_mail_send(m, cases[i].to, cases[i].subject, cases[i].body, err);
        if (rc != cases[i].rc)
            fail_msg("case %zu: %s, expected %s", i, cc_err_name(rc), cc_err_name(cases[i].rc));
        assert_true(strlen(err) > 0);
        char names[2][256];
        assert_int_equal(list_dir(mail, names, 2), 0);
    }
    /* too long a subject, too big a body */
    char *big = malloc(CC_MAIL_BODY_MAX + 2);
    assert_non_null(big);
    memset(big, 'a', CC_MAIL_BODY_MAX + 1);
    big[CC_MAIL_BODY_MAX + 1] = '\0';
    assert_int_equal(cc_mail_send(m, "a@example.org", "Hi", big, NULL), CC_ETOOLONG);
    big[CC_MAIL_SUBJECT_MAX + 1] = '\0';
    assert_int_equal(cc_mail_send(m, "a@example.org", big, "b", NULL), CC_ETOOLONG);
    char names[2][256];
    assert_int_equal(list_dir(mail, names, 2), 0);
    /* ...while the largest accepted sizes go through */
    big[CC_MAIL_SUBJECT_MAX] = '\0';
    assert_int_equal(cc_mail_send(m, "a@example.org", big, "b", NULL), 0);
    assert_int_equal(list_dir(mail, names, 2), 1);
    free(big);
    free(mail);
    cc_mail_free(m);
    rmtree(dir);
    free(dir);
}

static void address_shapes(void **state)
{
    (void)state;
    const char *good[] = {"alice@example.org",
                          "a.b+tag@sub.example.co.uk",
                          "x_y-z@a-b.fr",
                          "O'Brien@Example.COM",
                          "1@2.io",
                          "!#$%&'*+-/=?^_`{|}~@example.org"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        if (cc_mail_address_check(good[i])) fail_msg("refused %s", good[i]);
    const char *bad[] = {"",
                         "alice",
                         "@example.org",
                         "alice@",
                         "alice@example",
                         "alice@@example.org",
                         "a@b@example.org",
                         "a b@example.org",
                         "\"a b\"@example.org",
                         "a..b@example.org",
                         ".a@example.org",
                         "a.@example.org",
                         "a@example..org",
                         "a@.example.org",
                         "a@example.org.",
                         "a@-example.org",
                         "a@example-.org",
                         "a@exa_mple.org",
                         "a@[192.0.2.1]",
                         "élodie@example.org",
                         "a@exämple.org",
                         "a<b@example.org",
                         "a;b@example.org",
                         "a@example.org;",
                         "a,b@example.org"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (cc_mail_address_check(bad[i]) != CC_EEMAIL) fail_msg("accepted %s", bad[i]);
    char label[80], addr[400];
    memset(label, 'a', 63);
    label[63] = '\0';
    snprintf(addr, sizeof addr, "x@%s.org", label);
    assert_int_equal(cc_mail_address_check(addr), 0);
    snprintf(addr, sizeof addr, "x@%sa.org", label); /* 64-byte label */
    assert_int_equal(cc_mail_address_check(addr), CC_EEMAIL);
    snprintf(addr, sizeof addr, "%sa@example.org", label); /* 64-byte local part */
    assert_int_equal(cc_mail_address_check(addr), 0);
    snprintf(addr, sizeof addr, "%saa@example.org", label);
    assert_int_equal(cc_mail_address_check(addr), CC_EEMAIL);
    snprintf(addr, sizeof addr, "x@%s.%s.%s.%s.org", label, label, label, label); /* > 254 */
    assert_int_equal(cc_mail_address_check(addr), CC_EEMAIL);
    assert_int_equal(cc_mail_address_check("a@example.org\r\n"), CC_EINVAL);
    assert_int_equal(cc_mail_address_check("a\t@example.org"), CC_EINVAL);
    assert_int_equal(cc_mail_address_check(NULL), CC_EINVAL);
}

static void open_checks_configuration(void **state)
{
    (void)state;
    char *dir = tempdir("mail");
    struct {
        cc_mail_config cfg;
        int rc;
    } cases[] = {
        {{.dir = dir}, CC_EINVAL},
        {{.from = FROM}, CC_EINVAL},
        {{.dir = dir, .from = "noreply@example.org\r\nBcc: x@example.com"}, CC_EINVAL},
        {{.dir = dir, .from = "noreply"}, CC_EEMAIL},
        {{.dir = dir, .from = FROM, .from_name = "Evil\r\nBcc: x@example.com"}, CC_EINVAL},
        {{.smtp_url = "http://mail.example.org", .from = FROM}, CC_EURL},
        {{.smtp_url = "smtp://", .from = FROM}, CC_EURL},
        {{.smtp_url = "not a url", .from = FROM}, CC_EURL},
        /* a password in clear over the network: refused */
        {{.smtp_url = "smtp://mail.example.org", .user = "u", .password = "p", .from = FROM},
         CC_EINVAL},
        {{.smtp_url = "smtp://u:p@mail.example.org:587", .from = FROM}, CC_EINVAL},
        /* ...but fine with STARTTLS, TLS, or on loopback */
        {{.smtp_url = "smtp://mail.example.org:587",
          .starttls = 1,
          .user = "u",
          .password = "p",
          .from = FROM},
         0},
        {{.smtp_url = "smtps://u:p@mail.example.org", .from = FROM}, 0},
        {{.smtp_url = "smtp://127.0.0.1:2525", .user = "u", .password = "p", .from = FROM}, 0},
        {{.smtp_url = "smtp://mail.example.org", .from = FROM}, 0},
        {{.dir = "/proc/definitely-not-here", .from = FROM}, -ENOENT},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cc_mailer *m = (cc_mailer *)&m;
        int rc = cc_mail_open(&cases[i].cfg, &m);
        if (rc != cases[i].rc)
            fail_msg("case %zu: %s, expected %s", i, cc_err_name(rc), cc_err_name(cases[i].rc));
        if (rc) assert_null(m);
        cc_mail_free(m);
    }
    /* a file where the mail directory should be */
    char *mail = path_join(dir, "mail");
    FILE *f = fopen(mail, "w");
    assert_non_null(f);
    fclose(f);
    cc_mail_config cfg = {.dir = dir, .from = FROM};
    cc_mailer *m;
    assert_int_equal(cc_mail_open(&cfg, &m), -ENOTDIR);
    free(mail);
    rmtree(dir);
    free(dir);
}

typedef struct sender {
    cc_mailer *m;
    int n, failures;
    char tag[16];
} sender;

static void *send_many(void *arg)
{
    sender *s = arg;
    for (int i = 0; i < s->n; i++) {
        char subject[64], to[64];
        snprintf(subject, sizeof subject, "%s message %d", s->tag, i);
        snprintf(to, sizeof to, "%s-%d@example.org", s->tag, i);
        if (cc_mail_send(s->m, to, subject, BODY, NULL)) s->failures++;
    }
    return NULL;
}

static void run_senders(cc_mailer *m, int threads, int each)
{
    pthread_t t[8];
    sender s[8];
    for (int i = 0; i < threads; i++) {
        s[i] = (sender){.m = m, .n = each};
        snprintf(s[i].tag, sizeof s[i].tag, "t%d", i);
        assert_int_equal(pthread_create(&t[i], NULL, send_many, &s[i]), 0);
    }
    for (int i = 0; i < threads; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(s[i].failures, 0);
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* All distinct. */
static void assert_unique(char **ids, int n)
{
    qsort(ids, (size_t)n, sizeof *ids, cmp_str);
    for (int i = 1; i < n; i++)
        if (!strcmp(ids[i - 1], ids[i])) fail_msg("duplicate Message-ID %s", ids[i]);
}

static void eml_concurrent_senders(void **state)
{
    (void)state;
    char *dir = tempdir("mail");
    cc_mailer *m = open_files(dir, NULL);
    run_senders(m, 4, 25);
    char *mail = path_join(dir, "mail");
    static char names[128][256];
    int n = list_dir(mail, names, 128);
    assert_int_equal(n, 100);
    char *ids[100];
    for (int i = 0; i < n; i++) {
        char *path = path_join(mail, names[i]);
        size_t len;
        char *raw = slurp(path, &len);
        const char *to = strstr(raw, "\r\nTo: ");
        assert_non_null(to);
        char *rcpt = strndup(to + 6, strcspn(to + 6, "\r"));
        free(check_message(raw, len, rcpt, BODY));
        free(rcpt);
        ids[i] = message_id(raw);
        free(raw);
        free(path);
    }
    assert_unique(ids, n);
    for (int i = 0; i < n; i++)
        free(ids[i]);
    free(mail);
    cc_mail_free(m);
    rmtree(dir);
    free(dir);
}

/* ---- SMTP mode against smtp_sink.py ------------------------------------------ */

typedef struct sink {
    pid_t pid;
    char *dir;
    int port;
} sink;

static const char *sink_script(void)
{
    const char *env = getenv("CT_SMTP_SINK");
    if (env && *env) return env;
#ifdef CT_SMTP_SINK
    return CT_SMTP_SINK;
#else
    /* next to this file, as the compiler was told its path */
    static char path[4096];
    snprintf(path, sizeof path, "%s", __FILE__);
    char *slash = strrchr(path, '/');
    snprintf(slash ? slash + 1 : path, sizeof path - (size_t)(slash ? slash + 1 - path : 0),
             "smtp_sink.py");
    return path;
#endif
}

static void sink_start(sink *s, const char *credentials)
{
    s->dir = tempdir("smtp");
    /* Debian's interpreter, where python3-aiosmtpd is installed, whatever
     * python3 comes first in PATH. */
    const char *python = getenv("CT_PYTHON");
    if (!python || !*python) python = "/usr/bin/python3";
    const char *script = sink_script();
    pid_t parent = getpid();
    s->pid = fork();
    assert_true(s->pid >= 0);
    if (s->pid == 0) {
        /* Do not outlive a test that crashed. */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent) _exit(1);
        execl(python, python, script, s->dir, credentials, (char *)NULL);
        fprintf(stderr, "exec %s %s: %s\n", python, script, strerror(errno));
        _exit(127);
    }
    char *port = path_join(s->dir, "port");
    int64_t deadline = now_ms() + 20000;
    char *text = NULL;
    while (!(text = slurp(port, NULL))) {
        int status;
        if (waitpid(s->pid, &status, WNOHANG) == s->pid)
            fail_msg("smtp_sink.py exited (status %d); is python3-aiosmtpd installed?", status);
        if (now_ms() > deadline) {
            kill(s->pid, SIGKILL);
            waitpid(s->pid, &status, 0);
            fail_msg("smtp_sink.py did not start");
        }
        sleep_ms(20);
    }
    s->port = atoi(text);
    assert_true(s->port > 0 && s->port < 65536);
    free(text);
    free(port);
}

static void sink_stop(sink *s)
{
    kill(s->pid, SIGTERM);
    int status;
    assert_int_equal(waitpid(s->pid, &status, 0), s->pid);
    rmtree(s->dir);
    free(s->dir);
}

/* cmocka fixtures: the teardown runs even when the test failed, so no sink
 * process or directory outlives it. */
static int sink_setup(void **state)
{
    static sink s;
    sink_start(&s, NULL);
    *state = &s;
    return 0;
}

static int sink_setup_auth(void **state)
{
    static sink s;
    sink_start(&s, "concerto:s3cret");
    *state = &s;
    return 0;
}

static int sink_teardown(void **state)
{
    sink_stop(*state);
    return 0;
}

/* Wait for the sink's n-th message; returns N.eml, and N.env in *env. */
static char *sink_message(sink *s, int n, size_t *len, char **env)
{
    char name[32];
    snprintf(name, sizeof name, "%d.eml", n);
    char *eml = path_join(s->dir, name);
    snprintf(name, sizeof name, "%d.env", n);
    char *envp = path_join(s->dir, name);
    int64_t deadline = now_ms() + 10000;
    char *raw;
    while (!(raw = slurp(eml, len))) {
        if (now_ms() > deadline) fail_msg("message %d never arrived", n);
        sleep_ms(10);
    }
    *env = slurp(envp, NULL);
    assert_non_null(*env);
    free(eml);
    free(envp);
    return raw;
}

static cc_mailer *open_smtp(int port, const char *user, const char *password, unsigned timeout)
{
    char url[64];
    snprintf(url, sizeof url, "smtp://127.0.0.1:%d", port);
    cc_mail_config cfg = {.smtp_url = url,
                          .user = user,
                          .password = password,
                          .from = FROM,
                          .from_name = "Concerto",
                          .timeout_ms = timeout};
    cc_mailer *m = NULL;
    assert_int_equal(cc_mail_open(&cfg, &m), 0);
    return m;
}

static void smtp_delivers_to_a_real_server(void **state)
{
    sink *s = *state;
    cc_mailer *m = open_smtp(s->port, NULL, NULL, 10000);
    char err[CC_MAIL_ERRBUF] = "x";
    assert_int_equal(cc_mail_send(m, "elodie@example.net", SUBJECT, BODY, err), 0);
    assert_string_equal(err, "");
    assert_int_equal(cc_mail_send(m, "bob@example.com", "Hello", "Second.\n", err), 0);

    size_t len;
    char *env;
    char *raw = sink_message(s, 1, &len, &env);
    assert_string_equal(env, "EHLO:example.org\n"
                             "MAIL FROM:noreply@example.org\n"
                             "RCPT TO:elodie@example.net\n");
    /* The body decodes intact, lone "." included: libcurl stuffed it and
     * the server unstuffed it, or the message would have ended there. */
    char *subject = check_message(raw, len, "elodie@example.net", BODY);
    assert_string_equal(subject, SUBJECT);
    assert_true(strncmp(raw, "From: Concerto <noreply@example.org>\r\n", 38) == 0);
    free(subject);
    free(raw);
    free(env);

    raw = sink_message(s, 2, &len, &env);
    assert_non_null(strstr(env, "RCPT TO:bob@example.com\n"));
    subject = check_message(raw, len, "bob@example.com", "Second.\n");
    assert_string_equal(subject, "Hello");
    free(subject);
    free(raw);
    free(env);

    cc_mail_free(m);
}

static void smtp_authenticates(void **state)
{
    sink *s = *state;

    cc_mailer *m = open_smtp(s->port, "concerto", "s3cret", 10000);
    assert_int_equal(cc_mail_send(m, "alice@example.org", "Hi", "Body\n", NULL), 0);
    size_t len;
    char *env;
    char *raw = sink_message(s, 1, &len, &env);
    assert_non_null(strstr(env, "AUTH:concerto\n"));
    free(raw);
    free(env);
    cc_mail_free(m);

    /* Wrong password, no credentials: the relay says no, we say CC_EIO,
     * at once (an answer, not the 10 s timeout). */
    char err[CC_MAIL_ERRBUF];
    m = open_smtp(s->port, "concerto", "wrong", 10000);
    int64_t t0 = now_ms();
    assert_int_equal(cc_mail_send(m, "alice@example.org", "Hi", "Body\n", err), CC_EIO);
    assert_true(now_ms() - t0 < 3000);
    assert_true(strncmp(err, "smtp: ", 6) == 0 && strlen(err) > 6);
    cc_mail_free(m);
    m = open_smtp(s->port, NULL, NULL, 10000);
    t0 = now_ms();
    assert_int_equal(cc_mail_send(m, "alice@example.org", "Hi", "Body\n", err), CC_EIO);
    assert_true(now_ms() - t0 < 3000);
    cc_mail_free(m);
    sleep_ms(200);
    char names[8][256];
    assert_int_equal(list_dir(s->dir, names, 8), 3); /* port, 1.env, 1.eml */
}

static void smtp_concurrent_senders(void **state)
{
    sink *s = *state;
    cc_mailer *m = open_smtp(s->port, NULL, NULL, 10000);
    run_senders(m, 4, 5);
    char *ids[20];
    for (int i = 0; i < 20; i++) {
        size_t len;
        char *env;
        char *raw = sink_message(s, i + 1, &len, &env);
        ids[i] = message_id(raw);
        const char *to = strstr(env, "RCPT TO:");
        assert_non_null(to);
        char *rcpt = strndup(to + 8, strcspn(to + 8, "\n"));
        free(check_message(raw, len, rcpt, BODY));
        free(rcpt);
        free(raw);
        free(env);
    }
    assert_unique(ids, 20);
    for (int i = 0; i < 20; i++)
        free(ids[i]);
    cc_mail_free(m);
}

/* A loopback TCP socket on a kernel-chosen port: listening (connections
 * complete but nobody ever speaks) or merely bound (connections refused).
 * Kept open so nobody else takes the port meanwhile. */
static int loopback_socket(int listening, int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    if (listening) assert_int_equal(listen(fd, 16), 0);
    socklen_t n = sizeof a;
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &n), 0);
    *port = ntohs(a.sin_port);
    return fd;
}

static void smtp_closed_port_fails_fast(void **state)
{
    (void)state;
    int port, fd = loopback_socket(0, &port);
    cc_mailer *m = open_smtp(port, NULL, NULL, 5000);
    char err[CC_MAIL_ERRBUF] = "";
    int64_t t0 = now_ms();
    assert_int_equal(cc_mail_send(m, "alice@example.org", "Hi", "Body", err), CC_EIO);
    assert_true(now_ms() - t0 < 2000);
    assert_true(strncmp(err, "smtp: ", 6) == 0 && strlen(err) > 6);
    cc_mail_free(m);
    close(fd);
}

static void smtp_silent_server_times_out(void **state)
{
    (void)state;
    int port, fd = loopback_socket(1, &port);
    cc_mailer *m = open_smtp(port, NULL, NULL, 500);
    char err[CC_MAIL_ERRBUF] = "";
    int64_t t0 = now_ms();
    assert_int_equal(cc_mail_send(m, "alice@example.org", "Hi", "Body", err), CC_EIO);
    int64_t took = now_ms() - t0;
    if (took < 450 || took > 3000) fail_msg("took %lld ms for a 500 ms timeout", (long long)took);
    assert_non_null(strstr(err, "timed out"));
    cc_mail_free(m);
    close(fd);
}

/* A relay that greets, answers EHLO, then stalls on MAIL FROM: the
 * connection phase is over, only the total timeout can end the exchange.
 * Gives up by itself after 5 s so a missing timeout fails instead of
 * hanging. */
static void *stalling_relay(void *arg)
{
    int lfd = *(int *)arg;
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0) return NULL;
    char line[512];
    const char *greet = "220 stall.test ESMTP\r\n";
    if (write(fd, greet, strlen(greet)) < 0) goto out;
    ssize_t n = read(fd, line, sizeof line); /* EHLO */
    if (n <= 0) goto out;
    const char *ok = "250 stall.test\r\n";
    if (write(fd, ok, strlen(ok)) < 0) goto out;
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    while (read(fd, line, sizeof line) > 0) {
    } /* swallow MAIL FROM, answer nothing */
out:
    close(fd);
    return NULL;
}

static void smtp_stalled_exchange_times_out(void **state)
{
    (void)state;
    int port, fd = loopback_socket(1, &port);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, stalling_relay, &fd), 0);
    cc_mailer *m = open_smtp(port, NULL, NULL, 700);
    char err[CC_MAIL_ERRBUF] = "";
    int64_t t0 = now_ms();
    assert_int_equal(cc_mail_send(m, "alice@example.org", "Hi", "Body", err), CC_EIO);
    int64_t took = now_ms() - t0;
    if (took < 600 || took > 3000) fail_msg("took %lld ms for a 700 ms timeout", (long long)took);
    assert_non_null(strstr(err, "timed out"));
    pthread_join(t, NULL);
    cc_mail_free(m);
    close(fd);
}

/* ---- Queue ------------------------------------------------------------- */

static void queue_flushes_on_free(void **state)
{
    (void)state;
    char *dir = tempdir("mail");
    cc_mailer *m = open_files(dir, NULL);
    cc_mail_queue *q;
    assert_int_equal(cc_mail_queue_start(m, 8, &q), 0);
    for (int i = 0; i < 6; i++) {
        char to[64];
        snprintf(to, sizeof to, "user%d@example.org", i);
        assert_int_equal(cc_mail_queue_push(q, to, "Queued", BODY), 0);
    }
    /* refusals come back at once and queue nothing */
    assert_int_equal(cc_mail_queue_push(q, "a@example.org\r\nBcc: x@example.com", "S", "B"),
                     CC_EINVAL);
    assert_int_equal(cc_mail_queue_push(q, "nobody", "S", "B"), CC_EEMAIL);
    cc_mail_queue_free(q);
    char *mail = path_join(dir, "mail");
    char names[16][256];
    assert_int_equal(list_dir(mail, names, 16), 6);
    free(mail);
    cc_mail_free(m);
    rmtree(dir);
    free(dir);

    assert_int_equal(cc_mail_queue_start(NULL, 1, &q), CC_EINVAL);
}

static void queue_drops_when_full(void **state)
{
    (void)state;
    /* A relay that accepts connections and never answers holds the
     * thread on the first message while the others pile up. */
    int port, fd = loopback_socket(1, &port);
    cc_mailer *m = open_smtp(port, NULL, NULL, 10000);
    cc_mail_queue *q;
    assert_int_equal(cc_mail_queue_start(m, 2, &q), 0);
    assert_int_equal(cc_mail_queue_push(q, "a1@example.org", "S", "B"), 0);
    int64_t deadline = now_ms() + 5000;
    while (cc_mail_queue_length(q) != 0) { /* taken by the thread */
        assert_true(now_ms() < deadline);
        sleep_ms(5);
    }
    assert_int_equal(cc_mail_queue_push(q, "a2@example.org", "S", "B"), 0);
    assert_int_equal(cc_mail_queue_push(q, "a3@example.org", "S", "B"), 0);
    assert_int_equal(cc_mail_queue_length(q), 2);
    int64_t t0 = now_ms();
    assert_int_equal(cc_mail_queue_push(q, "a4@example.org", "S", "B"), -EAGAIN);
    assert_true(now_ms() - t0 < 100); /* dropped, not waited for */
    assert_int_equal(cc_mail_queue_length(q), 2);
    /* Closing the listener resets the pending connection and refuses the
     * next ones, so the flush ends quickly (each failure is logged). */
    close(fd);
    t0 = now_ms();
    cc_mail_queue_free(q);
    assert_true(now_ms() - t0 < 5000);
    cc_mail_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(eml_message_is_complete),
        cmocka_unit_test(eml_plain_headers_stay_plain),
        cmocka_unit_test(subject_words_hold_whole_characters),
        cmocka_unit_test(injection_is_refused_before_writing),
        cmocka_unit_test(address_shapes),
        cmocka_unit_test(open_checks_configuration),
        cmocka_unit_test(eml_concurrent_senders),
        cmocka_unit_test_setup_teardown(smtp_delivers_to_a_real_server, sink_setup, sink_teardown),
        cmocka_unit_test_setup_teardown(smtp_authenticates, sink_setup_auth, sink_teardown),
        cmocka_unit_test_setup_teardown(smtp_concurrent_senders, sink_setup, sink_teardown),
        cmocka_unit_test(smtp_closed_port_fails_fast),
        cmocka_unit_test(smtp_silent_server_times_out),
        cmocka_unit_test(smtp_stalled_exchange_times_out),
        cmocka_unit_test(queue_flushes_on_free),
        cmocka_unit_test(queue_drops_when_full),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
