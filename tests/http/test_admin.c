/* test_admin.c - the administration pages against the real server: create
 * a theme and a section, open and close a theme, publish a document (served
 * by its hash afterwards), schedule a meeting and post its report, publish
 * a synthesis, recommendations and the final report, grant and revoke a
 * role; every route refused to anonymous visitors, participants and
 * moderators; bad input (missing fields, invalid dates, bad MIME, an
 * oversized upload, a wrong CSRF token) refused with the log unchanged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "admin_harness.h"
#include "command.h"

#include <sodium.h>

static h_server srv;
static char admin_session[128], mod_session[128], alice_session[128];

static const char *const routes[] = {
    "/admin/consultation",
    "/admin/theme",
    "/admin/theme/etat",
    "/admin/section",
    "/admin/document",
    "/admin/rencontre",
    "/admin/rencontre/compte-rendu",
    "/admin/publication",
    "/admin/role",
};

static int setup(void **state)
{
    (void)state;
    signal(SIGPIPE, SIG_IGN);
    ct_world *w = &srv.w;
    ct_world_open(w);
    h_set_password(w, &w->admin);
    h_set_password(w, &w->mod);
    h_set_password(w, &w->alice);
    ct_world_stop(w);
    h_start(&srv);
    h_login(&srv, "admin", admin_session, sizeof admin_session);
    h_login(&srv, "modo-fixture", mod_session, sizeof mod_session);
    h_login(&srv, "alice", alice_session, sizeof alice_session);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    h_stop(&srv);
    return 0;
}

/* POST an admin form with a fresh token; checks status and log growth. */
static void admin_post(const char *path, const char *fields, int want, const char *want_in_body)
{
    char body[4096];
    snprintf(body, sizeof body, "csrf=%s&%s", h_page_csrf(&srv, "/admin", admin_session), fields);
    uint64_t before = h_log_size(&srv);
    ct_response r = h_post(&srv, path, admin_session, body);
    if (r.status != want) fail_msg("%s %s: %d\n%.3000s", path, fields, r.status, r.body);
    if (want == 303) {
        h_contains(ct_header(&r, "location"), "/admin?ok=1");
        assert_int_equal(h_log_size(&srv), before + 1);
    } else {
        assert_int_equal(h_log_size(&srv), before);
        if (want_in_body) h_contains(r.body, want_in_body);
    }
    ct_response_release(&r);
}

static void test_page(void **state)
{
    (void)state;
    ct_response r = h_get(&srv, "/admin", admin_session);
    assert_int_equal(r.status, 200);
    for (size_t i = 0; i < sizeof routes / sizeof *routes; i++) {
        char action[96];
        snprintf(action, sizeof action, "action=\"%s\"", routes[i]);
        h_contains(r.body, action);
    }
    h_contains(r.body, "enctype=\"multipart/form-data\"");
    h_lacks(r.body, "<script");
    ct_response_release(&r);
    /* an admin also moderates */
    r = h_get(&srv, "/moderation", admin_session);
    assert_int_equal(r.status, 200);
    ct_response_release(&r);
}

static void test_authorization(void **state)
{
    (void)state;
    uint64_t before = h_log_size(&srv);
    ct_response r = h_get(&srv, "/admin", NULL);
    assert_int_equal(r.status, 303);
    h_contains(ct_header(&r, "location"), "/connexion");
    ct_response_release(&r);
    r = h_get(&srv, "/admin", alice_session);
    assert_int_equal(r.status, 403);
    ct_response_release(&r);
    r = h_get(&srv, "/admin", mod_session);
    assert_int_equal(r.status, 403);
    ct_response_release(&r);
    char mod_tok[64], alice_tok[64];
    snprintf(mod_tok, sizeof mod_tok, "%s", h_page_csrf(&srv, "/moderation", mod_session));
    snprintf(alice_tok, sizeof alice_tok, "%s", h_page_csrf(&srv, "/compte", alice_session));
    for (size_t i = 0; i < sizeof routes / sizeof *routes; i++) {
        char body[512];
        snprintf(body, sizeof body,
                 "titre=T&texte=x&ordre=1&ouverture=2025-01-01&cloture=2025-02-01&theme=%llu"
                 "&etat=close&qui=bob&role=1&action=grant",
                 (unsigned long long)srv.w.theme);
        r = h_post(&srv, routes[i], NULL, body);
        assert_int_equal(r.status, 403);
        ct_response_release(&r);
        char with[600];
        snprintf(with, sizeof with, "csrf=%s&%s", alice_tok, body);
        r = h_post(&srv, routes[i], alice_session, with);
        assert_int_equal(r.status, 403);
        ct_response_release(&r);
        snprintf(with, sizeof with, "csrf=%s&%s", mod_tok, body);
        r = h_post(&srv, routes[i], mod_session, with);
        assert_int_equal(r.status, 403);
        ct_response_release(&r);
    }
    assert_int_equal(h_log_size(&srv), before);
}

static void test_consultation_theme_section(void **state)
{
    (void)state;
    admin_post("/admin/consultation", "titre=Consultation-Titre&texte=Bienvenue+%2A", 303, NULL);
    ct_response r = h_get(&srv, "/", NULL);
    h_contains(r.body, "Consultation-Titre");
    ct_response_release(&r);

    uint64_t theme = h_log_size(&srv);
    admin_post("/admin/theme",
               "titre=Theme-Nouveau&texte=&ordre=2&ouverture=2025-01-01&cloture=2025-03-01", 303,
               NULL);
    r = h_get(&srv, "/", NULL);
    h_contains(r.body, "Theme-Nouveau");
    ct_response_release(&r);
    char f[512];
    snprintf(f, sizeof f,
             "theme=%llu&titre=Theme-Renomme&ordre=2&ouverture=2025-01-01&cloture=2025-04-01",
             (unsigned long long)theme);
    admin_post("/admin/theme", f, 303, NULL);
    snprintf(f, sizeof f, "theme=%llu&titre=Rubrique-Nouvelle&type=3&publication=1&ordre=1",
             (unsigned long long)theme);
    uint64_t section = h_log_size(&srv);
    admin_post("/admin/section", f, 303, NULL);
    char path[64];
    snprintf(path, sizeof path, "/sections/%llu", (unsigned long long)section);
    r = h_get(&srv, path, NULL);
    assert_int_equal(r.status, 200);
    h_contains(r.body, "Rubrique-Nouvelle");
    ct_response_release(&r);
    snprintf(f, sizeof f, "rubrique=%llu&titre=Rubrique-Renommee&type=1&ordre=1",
             (unsigned long long)section);
    admin_post("/admin/section", f, 303, NULL);

    /* open, open again (409), close */
    snprintf(f, sizeof f, "theme=%llu&etat=open", (unsigned long long)theme);
    admin_post("/admin/theme/etat", f, 303, NULL);
    admin_post("/admin/theme/etat", f, 409, "Déjà dans cet état");
    snprintf(f, sizeof f, "theme=%llu&etat=close", (unsigned long long)theme);
    admin_post("/admin/theme/etat", f, 303, NULL);
    admin_post("/admin/theme/etat", f, 409, NULL);
    admin_post("/admin/theme/etat", "theme=999999&etat=close", 400, "cette journée");
}

static void test_meeting_publications_roles(void **state)
{
    (void)state;
    uint64_t meeting = h_log_size(&srv);
    admin_post("/admin/rencontre", "titre=Journee-Lyon&lieu=Lyon&date=2025-05-01T14%3A30", 303,
               NULL);
    ct_response r = h_get(&srv, "/rencontres", NULL);
    h_contains(r.body, "Journee-Lyon");
    ct_response_release(&r);
    char f[256];
    snprintf(f, sizeof f, "rencontre=%llu&texte=Compte-rendu-Lyon", (unsigned long long)meeting);
    admin_post("/admin/rencontre/compte-rendu", f, 303, NULL);
    char path[64];
    snprintf(path, sizeof path, "/rencontres/%llu", (unsigned long long)meeting);
    r = h_get(&srv, path, NULL);
    h_contains(r.body, "Compte-rendu-Lyon");
    ct_response_release(&r);

    snprintf(f, sizeof f, "publication=1&theme=%llu&texte=Synthese-du-theme",
             (unsigned long long)srv.w.theme);
    admin_post("/admin/publication", f, 303, NULL);
    snprintf(f, sizeof f, "publication=2&theme=%llu&texte=Recommandations-du-theme",
             (unsigned long long)srv.w.theme);
    admin_post("/admin/publication", f, 303, NULL);
    admin_post("/admin/publication", "publication=3&titre=Rapport&texte=Rapport-final-texte", 303,
               NULL);
    r = h_get(&srv, "/rapport", NULL);
    h_contains(r.body, "Rapport-final-texte");
    ct_response_release(&r);
    snprintf(path, sizeof path, "/themes/%llu", (unsigned long long)srv.w.theme);
    r = h_get(&srv, path, NULL);
    assert_int_equal(r.status, 200);
    ct_response_release(&r);

    admin_post("/admin/role", "qui=bob&role=1&action=grant", 303, NULL);
    admin_post("/admin/role", "qui=bob&role=1&action=grant", 409, NULL);
    admin_post("/admin/role", "qui=bob&role=1&action=revoke", 303, NULL);
    admin_post("/admin/role", "qui=personne&role=1&action=grant", 400, "Aucun participant");
    admin_post("/admin/role", "qui=admin&role=2&action=revoke", 409, NULL); /* the last admin */
}

static ct_response upload(const char *session, const char *csrf, const char *ctype_part,
                          const char *filename, const char *data, size_t len)
{
    const char *b = "----concertoBoundary42";
    size_t cap = len + 4096;
    char *body = malloc(cap);
    int n = snprintf(body, cap,
                     "--%s\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
                     "--%s\r\nContent-Disposition: form-data; name=\"titre\"\r\n\r\nDoc-Titre\r\n"
                     "--%s\r\nContent-Disposition: form-data; name=\"fichier\"; filename=\"%s\"\r\n"
                     "Content-Type: %s\r\n\r\n",
                     b, csrf, b, b, filename, ctype_part);
    memcpy(body + n, data, len);
    size_t total = (size_t)n + len;
    total += (size_t)snprintf(body + total, cap - total, "\r\n--%s--\r\n", b);
    char ctype[128];
    snprintf(ctype, sizeof ctype, "multipart/form-data; boundary=%s", b);
    ct_response r = h_post_raw(&srv, "/admin/document", session, ctype, body, total);
    free(body);
    return r;
}

static void test_document(void **state)
{
    (void)state;
    static const char pdf[] = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
    char tok[64];
    snprintf(tok, sizeof tok, "%s", h_page_csrf(&srv, "/admin", admin_session));
    uint64_t before = h_log_size(&srv);
    ct_response r = upload(admin_session, tok, "application/pdf", "avis.pdf", pdf, sizeof pdf - 1);
    if (r.status != 303) fail_msg("upload: %d\n%.3000s", r.status, r.body);
    ct_response_release(&r);
    assert_int_equal(h_log_size(&srv), before + 1);
    uint8_t hash[32];
    crypto_hash_sha256(hash, (const uint8_t *)pdf, sizeof pdf - 1);
    char path[128] = "/documents/";
    for (int i = 0; i < 32; i++)
        sprintf(path + 11 + 2 * i, "%02x", hash[i]);
    r = h_get(&srv, path, NULL);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.body_len, sizeof pdf - 1);
    assert_memory_equal(r.body, pdf, sizeof pdf - 1);
    h_contains(ct_header(&r, "content-type"), "application/pdf");
    ct_response_release(&r);
    r = h_get(&srv, "/documents", NULL);
    h_contains(r.body, "Doc-Titre");
    ct_response_release(&r);

    /* Markdown by extension, text as such */
    static const char md[] = "# Avis\n\nUn texte **en Markdown**.\n";
    r = upload(admin_session, tok, "application/octet-stream", "avis.md", md, sizeof md - 1);
    assert_int_equal(r.status, 303);
    ct_response_release(&r);

    before = h_log_size(&srv);
    /* declared PDF, not a PDF */
    r = upload(admin_session, tok, "application/pdf", "faux.pdf", "hello", 5);
    assert_int_equal(r.status, 415);
    h_contains(r.body, "Type de fichier refusé");
    ct_response_release(&r);
    /* a type outside the list */
    r = upload(admin_session, tok, "image/png", "x.png", "\x89PNG\r\n", 6);
    assert_int_equal(r.status, 415);
    ct_response_release(&r);
    /* text that is binary */
    r = upload(admin_session, tok, "text/plain", "x.txt", "a\0b\x01", 4);
    assert_int_equal(r.status, 415);
    ct_response_release(&r);
    /* ODT declared, zip without the mimetype entry */
    static const char notodt[] = "PK\3\4 not an odt at all, really not an odt file";
    r = upload(admin_session, tok, "application/vnd.oasis.opendocument.text", "x.odt", notodt,
               sizeof notodt - 1);
    assert_int_equal(r.status, 415);
    ct_response_release(&r);
    /* empty file */
    r = upload(admin_session, tok, "application/pdf", "vide.pdf", "", 0);
    assert_int_equal(r.status, 400);
    ct_response_release(&r);
    /* wrong CSRF */
    r = upload(admin_session, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "application/pdf",
               "avis.pdf", pdf, sizeof pdf - 1);
    assert_int_equal(r.status, 403);
    ct_response_release(&r);
    /* malformed multipart: no closing boundary */
    r = h_post_raw(&srv, "/admin/document", admin_session, "multipart/form-data; boundary=zz",
                   "--zz\r\nContent-Disposition: form-data; "
                   "name=\"a\"\r\n\r\nx",
                   51);
    assert_int_equal(r.status, 400);
    ct_response_release(&r);
    /* oversized: above the server's body limit */
    size_t big = 11u * 1024 * 1024;
    char *data = malloc(big);
    memset(data, 'a', big);
    memcpy(data, "%PDF-", 5);
    r = upload(admin_session, tok, "application/pdf", "gros.pdf", data, big);
    assert_int_equal(r.status, 413);
    ct_response_release(&r);
    free(data);
    assert_int_equal(h_log_size(&srv), before);
}

static void test_bad_input(void **state)
{
    (void)state;
    admin_post("/admin/theme", "ordre=1&ouverture=2025-01-01&cloture=2025-02-01", 400,
               "Ce champ est obligatoire");
    admin_post("/admin/theme", "titre=T&ordre=1&ouverture=2025-02-30&cloture=2025-03-01", 400,
               "Date invalide");
    admin_post("/admin/theme", "titre=T&ordre=1&ouverture=01/02/2025&cloture=2025-03-01", 400,
               "Date invalide");
    admin_post("/admin/theme", "titre=T&ordre=1&ouverture=2025-03-01&cloture=2025-02-01", 400,
               "La clôture doit suivre");
    admin_post("/admin/theme", "titre=T&ordre=x&ouverture=2025-03-01&cloture=2025-04-01", 400,
               "Nombre invalide");
    admin_post("/admin/section", "titre=S&type=3&ordre=1", 400, NULL); /* no theme */
    admin_post("/admin/section", "theme=1&titre=S&type=7&ordre=1", 400, "Choisissez");
    admin_post("/admin/rencontre", "titre=J&lieu=L&date=2025-05-01T25%3A00", 400,
               "Date et heure invalides");
    admin_post("/admin/rencontre/compte-rendu", "rencontre=999999&texte=x", 400, NULL);
    admin_post("/admin/publication", "publication=1&texte=x", 400, NULL); /* no theme */
    admin_post("/admin/publication", "publication=3", 400, NULL);
    admin_post("/admin/consultation", "titre=T", 400, NULL);
    admin_post("/admin/role", "qui=bob&role=3&action=grant", 400, NULL);
    admin_post("/admin/role", "qui=bob&role=1&action=promote", 400, NULL);
    uint64_t before = h_log_size(&srv);
    ct_response r = h_post(&srv, "/admin/theme", admin_session,
                           "csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&titre=T&ordre=1"
                           "&ouverture=2025-01-01&cloture=2025-02-01");
    assert_int_equal(r.status, 403);
    ct_response_release(&r);
    r = h_post(&srv, "/admin/theme", admin_session,
               "titre=T&ordre=1&ouverture=2025-01-01&cloture=2025-02-01");
    assert_int_equal(r.status, 403);
    ct_response_release(&r);
    assert_int_equal(h_log_size(&srv), before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_page),
        cmocka_unit_test(test_authorization),
        cmocka_unit_test(test_consultation_theme_section),
        cmocka_unit_test(test_meeting_publications_roles),
        cmocka_unit_test(test_document),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
