/* demo.c - the demonstration consultation.
 *
 * It is the consultation the seed FAQ describes: a national consultation on
 * digital technology at school, five themes opened for six weeks, each split
 * into presentation (texts by the ministry, no posting), diagnostic and
 * proposals. Everything goes through the writer as commands, exactly as the
 * site would send them, so the demo also exercises the domain rules. */
#include "demo.h"

#include "error.h"

#include <stdio.h>
#include <string.h>

#define DAY_MS (24ull * 3600 * 1000)

static const struct {
    const char *title;
    const char *text;
} themes[5] = {
    {"Le numérique, les apprentissages et la réussite de tous les élèves",
     "Comment le numérique peut-il aider chaque élève à apprendre et à réussir ?"},
    {"Le numérique, renouvellement et diversification des pratiques pédagogiques et éducatives",
     "Quelles pratiques pédagogiques le numérique renouvelle-t-il, et à quelles conditions ?"},
    {"Le numérique et les compétences de demain",
     "Quelles compétences l'école doit-elle transmettre pour une société numérique ?"},
    {"Le numérique et la réduction des inégalités",
     "Comment faire du numérique un levier de réduction des inégalités, et non l'inverse ?"},
    {"Le numérique, un facteur d'ouverture de l'école à son territoire et à son environnement",
     "Comment le numérique peut-il ouvrir l'école aux familles, aux collectivités et au monde ?"},
};

static const struct {
    cc_section_kind kind;
    int posting;
    const char *title;
    const char *text;
} sections[3] = {
    {CC_KIND_PRESENTATION, 0, "Présentation",
     "Les enjeux du thème, présentés par le ministère. Cette partie ne reçoit pas de "
     "contributions."},
    {CC_KIND_DIAGNOSTIC, 1, "Diagnostic",
     "Partagez votre constat : ce qui fonctionne, ce qui manque, ce que vous observez."},
    {CC_KIND_PROPOSALS, 1, "Propositions des contributeurs",
     "Proposez des actions concrètes ; chacun peut voter et argumenter pour ou contre."},
};

static int run(cc_writer *w, cc_command *cmd, const char *what)
{
    int rc = cc_writer_exec(w, cmd);
    if (rc) fprintf(stderr, "demo: %s: %s\n", what, cc_strerror(rc));
    return rc;
}

int cc_tool_register(cc_writer *w, const char *username, const char *email, const char *password,
                     cc_status status, const char *org, cc_pseudonym *out)
{
    cc_command cmd;
    cc_command_init(&cmd, CC_CMD_ACCOUNT_CREATE);
    snprintf(cmd.account.username, sizeof cmd.account.username, "%s", username);
    int rc = cc_email_normalize(email, strlen(email), cmd.account.email, sizeof cmd.account.email);
    if (rc) return rc;
    if ((rc = cc_username_check(username, strlen(username)))) return rc;
    if ((rc = cc_password_hash(password, strlen(password), cmd.account.pwhash))) return rc;
    cmd.account.status = status;
    snprintf(cmd.account.org, sizeof cmd.account.org, "%s", org ? org : "");
    if ((rc = cc_writer_exec(w, &cmd))) return rc;

    char token[CC_TOKEN_TEXT_LEN + 1];
    memcpy(token, cmd.result.token, sizeof token);
    cc_command_init(&cmd, CC_CMD_ACCOUNT_CONFIRM);
    cmd.token = token;
    cmd.token_len = strlen(token);
    if ((rc = cc_writer_exec(w, &cmd))) return rc;
    *out = cmd.result.pseudonym;
    return 0;
}

static uint64_t setup_item(cc_writer *w, cc_command *cmd, const char *what, int *rc)
{
    *rc = run(w, cmd, what);
    return *rc ? 0 : cmd->result.seq;
}

static uint64_t post(cc_writer *w, const cc_pseudonym *by, uint64_t section, const char *title,
                     const char *text, int *rc)
{
    cc_command cmd;
    cc_command_event(&cmd, CC_EV_CONTRIBUTION_POSTED, by);
    cmd.event.section = section;
    cc_event_set(&cmd.event, CC_F_SECTION);
    cc_command_body(&cmd, CC_B_TITLE, title);
    cc_command_body(&cmd, CC_B_TEXT, text);
    return setup_item(w, &cmd, "contribution", rc);
}

static uint64_t argue(cc_writer *w, const cc_pseudonym *by, uint64_t item, cc_side side,
                      const char *text, int *rc)
{
    cc_command cmd;
    cc_command_event(&cmd, CC_EV_ARGUMENT_POSTED, by);
    cmd.event.item = item;
    cmd.event.side = (uint8_t)side;
    cc_event_set(&cmd.event, CC_F_ITEM);
    cc_event_set(&cmd.event, CC_F_SIDE);
    cc_command_body(&cmd, CC_B_TEXT, text);
    return setup_item(w, &cmd, "argument", rc);
}

static int vote(cc_writer *w, const cc_pseudonym *by, uint64_t item, cc_vote_value value)
{
    cc_command cmd;
    cc_command_event(&cmd, CC_EV_VOTE_CAST, by);
    cmd.event.item = item;
    cmd.event.value = (uint8_t)value;
    cc_event_set(&cmd.event, CC_F_ITEM);
    cc_event_set(&cmd.event, CC_F_VALUE);
    return run(w, &cmd, "vote");
}

int cc_demo_load(cc_writer *w, const cc_pseudonym *admin, int verbose)
{
    cc_command cmd;
    int rc;
    uint64_t now = cc_now_ms();

    cc_command_event(&cmd, CC_EV_CONSULTATION_CONFIGURED, admin);
    cc_command_body(&cmd, CC_B_TITLE, "Concertation nationale sur le numérique à l'école");
    cc_command_body(
        &cmd, CC_B_TEXT,
        "La concertation sur le numérique relève d'une demande du Président de la République "
        "adressée à la Ministre de l'Éducation nationale.\n\nElle se déroule pendant deux mois "
        "sur cinq grands thèmes. Pour chaque thème, les discussions sont ouvertes sur la "
        "plateforme pendant au moins un mois et demi, et au moins une journée contributive est "
        "organisée en conclusion des débats. La synthèse des contributions et la totalité des "
        "échanges sont publiées en données ouvertes.");
    if ((rc = run(w, &cmd, "consultation"))) return rc;

    uint64_t proposals[5] = {0}, diagnostics[5] = {0}, theme_ids[5] = {0};
    for (int t = 0; t < 5; t++) {
        cc_command_event(&cmd, CC_EV_THEME_CREATED, admin);
        cmd.event.order = (uint64_t)t + 1;
        cmd.event.opens = now;
        cmd.event.closes = now + 45 * DAY_MS;
        cc_event_set(&cmd.event, CC_F_ORDER);
        cc_event_set(&cmd.event, CC_F_OPENS);
        cc_event_set(&cmd.event, CC_F_CLOSES);
        cc_command_body(&cmd, CC_B_TITLE, themes[t].title);
        cc_command_body(&cmd, CC_B_TEXT, themes[t].text);
        theme_ids[t] = setup_item(w, &cmd, "theme", &rc);
        if (rc) return rc;
        for (int s = 0; s < 3; s++) {
            cc_command_event(&cmd, CC_EV_SECTION_CREATED, admin);
            cmd.event.theme = theme_ids[t];
            cmd.event.kind = (uint8_t)sections[s].kind;
            cmd.event.posting = sections[s].posting;
            cmd.event.order = (uint64_t)s + 1;
            cc_event_set(&cmd.event, CC_F_THEME);
            cc_event_set(&cmd.event, CC_F_KIND);
            cc_event_set(&cmd.event, CC_F_POSTING);
            cc_event_set(&cmd.event, CC_F_ORDER);
            cc_command_body(&cmd, CC_B_TITLE, sections[s].title);
            cc_command_body(&cmd, CC_B_TEXT, sections[s].text);
            uint64_t id = setup_item(w, &cmd, "section", &rc);
            if (rc) return rc;
            if (sections[s].kind == CC_KIND_DIAGNOSTIC) diagnostics[t] = id;
            if (sections[s].kind == CC_KIND_PROPOSALS) proposals[t] = id;
        }
        cc_command_event(&cmd, CC_EV_THEME_OPENED, admin);
        cmd.event.theme = theme_ids[t];
        cc_event_set(&cmd.event, CC_F_THEME);
        if ((rc = run(w, &cmd, "theme opening"))) return rc;
    }

    cc_pseudonym camille, parents, edutech, mairie, lucas, moderator;
    if ((rc = cc_tool_register(w, "camille", "camille@example.org", CC_DEMO_PASSWORD,
                               CC_STATUS_CITIZEN, NULL, &camille)) ||
        (rc = cc_tool_register(w, "parents-eleves", "contact@parents.example.org", CC_DEMO_PASSWORD,
                               CC_STATUS_ASSOCIATION, "Fédération des parents d'élèves (démo)",
                               &parents)) ||
        (rc = cc_tool_register(w, "edutech", "affaires@edutech.example.com", CC_DEMO_PASSWORD,
                               CC_STATUS_COMPANY, "EduTech SAS (démo)", &edutech)) ||
        (rc = cc_tool_register(w, "mairie-exemple", "numerique@mairie.example.fr", CC_DEMO_PASSWORD,
                               CC_STATUS_PUBLIC_BODY, "Mairie d'Exempleville (démo)", &mairie)) ||
        (rc = cc_tool_register(w, "lucas", "lucas@example.net", CC_DEMO_PASSWORD, CC_STATUS_CITIZEN,
                               NULL, &lucas)) ||
        (rc = cc_tool_register(w, "moderation", "moderation@example.org", CC_DEMO_PASSWORD,
                               CC_STATUS_CITIZEN, NULL, &moderator))) {
        fprintf(stderr, "demo: participant: %s\n", cc_strerror(rc));
        return rc;
    }
    cc_command_event(&cmd, CC_EV_ROLE_GRANTED, admin);
    cmd.event.p = moderator;
    cmd.event.role = CC_ROLE_MODERATOR;
    cc_event_set(&cmd.event, CC_F_P);
    cc_event_set(&cmd.event, CC_F_ROLE);
    if ((rc = run(w, &cmd, "role"))) return rc;

    uint64_t c1 = post(w, &camille, proposals[0], "Des ressources adaptées au rythme de chacun",
                       "Des exercices en ligne qui s'adaptent au niveau de l'élève permettraient "
                       "de **consolider les bases** sans stigmatiser ceux qui avancent moins vite.",
                       &rc);
    if (rc) return rc;
    uint64_t c2 = post(w, &parents, diagnostics[3], "Tous les foyers ne sont pas équipés",
                       "Dans nos écoles, près d'une famille sur cinq n'a pas d'ordinateur à la "
                       "maison. Les devoirs en ligne creusent l'écart.",
                       &rc);
    if (rc) return rc;
    uint64_t c3 = post(w, &edutech, proposals[2], "Former au code dès le collège",
                       "Une heure hebdomadaire d'initiation à la programmation, avec des projets "
                       "concrets, donnerait à tous les élèves les bases de la pensée "
                       "informatique.",
                       &rc);
    if (rc) return rc;
    uint64_t c4 = post(w, &mairie, proposals[4], "Ouvrir les salles informatiques le samedi",
                       "Les collectivités peuvent ouvrir les équipements des écoles aux familles "
                       "le week-end, avec des médiateurs numériques.",
                       &rc);
    if (rc) return rc;
    uint64_t spam = post(w, &lucas, proposals[1], "Achetez nos tablettes en promotion",
                         "Promotion exceptionnelle sur les tablettes, cliquez ici !", &rc);
    if (rc) return rc;

    uint64_t a1 = argue(w, &lucas, c1, CC_SIDE_FOR,
                        "Chaque élève progresse à son rythme : c'est l'intérêt principal.", &rc);
    if (rc) return rc;
    argue(w, &parents, c1, CC_SIDE_AGAINST,
          "Sans accompagnement par l'enseignant, l'élève en difficulté reste seul devant "
          "l'écran.",
          &rc);
    if (rc) return rc;
    argue(w, &camille, c3, CC_SIDE_AGAINST,
          "Le programme est déjà chargé ; il faut d'abord former les enseignants.", &rc);
    if (rc) return rc;

    cc_command_event(&cmd, CC_EV_SOURCE_POSTED, &parents);
    cmd.event.item = c2;
    cc_event_set(&cmd.event, CC_F_ITEM);
    cc_command_body(&cmd, CC_B_TITLE, "Enquête sur l'équipement numérique des ménages");
    cc_command_body(&cmd, CC_B_URL, "https://www.insee.fr/fr/statistiques");
    if ((rc = run(w, &cmd, "source"))) return rc;

    cc_command_event(&cmd, CC_EV_COMMENT_POSTED, &lucas);
    cmd.event.item = c4;
    cc_event_set(&cmd.event, CC_F_ITEM);
    cc_command_body(&cmd, CC_B_TEXT,
                    "Très bonne idée, la médiathèque de mon quartier le fait déjà.");
    if ((rc = run(w, &cmd, "comment"))) return rc;

    if ((rc = vote(w, &lucas, c1, CC_VOTE_AGREE)) ||
        (rc = vote(w, &parents, c1, CC_VOTE_MITIGATED)) ||
        (rc = vote(w, &edutech, c1, CC_VOTE_AGREE)) ||
        (rc = vote(w, &camille, c2, CC_VOTE_AGREE)) || (rc = vote(w, &mairie, c2, CC_VOTE_AGREE)) ||
        (rc = vote(w, &camille, c3, CC_VOTE_DISAGREE)) ||
        (rc = vote(w, &parents, c3, CC_VOTE_MITIGATED)) ||
        (rc = vote(w, &camille, c4, CC_VOTE_AGREE)) || (rc = vote(w, &camille, a1, CC_VOTE_UP)) ||
        (rc = vote(w, &edutech, a1, CC_VOTE_UP)))
        return rc;

    /* The bin at work: a flag, then a moderator's decision with its reason. */
    cc_command_event(&cmd, CC_EV_FLAG_RAISED, &camille);
    cmd.event.item = spam;
    cmd.event.reason = CC_FLAG_SPAM;
    cc_event_set(&cmd.event, CC_F_ITEM);
    cc_event_set(&cmd.event, CC_F_FLAG_REASON);
    cc_command_body(&cmd, CC_B_TEXT, "Publicité sans rapport avec le thème.");
    if ((rc = run(w, &cmd, "flag"))) return rc;

    cc_command_event(&cmd, CC_EV_ITEM_TRASHED, &moderator);
    cmd.event.item = spam;
    cmd.event.reason = CC_TRASH_SPAM;
    cc_event_set(&cmd.event, CC_F_ITEM);
    cc_event_set(&cmd.event, CC_F_TRASH_REASON);
    cc_command_body(&cmd, CC_B_TEXT, "Contenu publicitaire (charte, article « spam »).");
    if ((rc = run(w, &cmd, "moderation"))) return rc;

    cc_command_event(&cmd, CC_EV_MEETING_SCHEDULED, admin);
    cmd.event.theme = theme_ids[4];
    cmd.event.at = now + 30 * DAY_MS;
    cc_event_set(&cmd.event, CC_F_THEME);
    cc_event_set(&cmd.event, CC_F_AT);
    cc_command_body(&cmd, CC_B_TITLE, "Journée contributive : l'école ouverte sur son territoire");
    cc_command_body(&cmd, CC_B_PLACE, "Académie de Lyon");
    cc_command_body(&cmd, CC_B_TEXT,
                    "Ateliers ouverts à tous, en conclusion des débats du thème 5.");
    if ((rc = run(w, &cmd, "meeting"))) return rc;

    if (verbose)
        printf("demo: consultation loaded (5 themes, 15 sections, 6 participants; password of the "
               "demo accounts: %s)\n",
               CC_DEMO_PASSWORD);
    return 0;
}
