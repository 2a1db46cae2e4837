/* admin.h - routes and strings of the "admin" feature (see features.h): the
 * administrators' pages (admin.c), with the upload parser of admin_ui.c. */
#ifndef CONCERTO_HTTP_FEATURE_ADMIN_H
#define CONCERTO_HTTP_FEATURE_ADMIN_H

/* X(id, metrics name, path, methods, html errors, handler) */
#define CC_ADM_POST CC_METHOD_POST
#define CC_ROUTES_ADMIN(X)                                                                         \
    X(ADM_HOME, "adm_home", "/admin", CC_METHOD_GET | CC_METHOD_HEAD, 1, cc_adm_home)              \
    X(ADM_CONSULTATION, "adm_consultation", "/admin/consultation", CC_ADM_POST, 1,                 \
      cc_adm_consultation)                                                                         \
    X(ADM_THEME, "adm_theme", "/admin/theme", CC_ADM_POST, 1, cc_adm_theme)                        \
    X(ADM_THEME_STATE, "adm_theme_state", "/admin/theme/etat", CC_ADM_POST, 1, cc_adm_theme_state) \
    X(ADM_SECTION, "adm_section", "/admin/section", CC_ADM_POST, 1, cc_adm_section)                \
    X(ADM_DOCUMENT, "adm_document", "/admin/document", CC_ADM_POST, 1, cc_adm_document)            \
    X(ADM_MEETING, "adm_meeting", "/admin/rencontre", CC_ADM_POST, 1, cc_adm_meeting)              \
    X(ADM_MEETING_REPORT, "adm_meeting_report", "/admin/rencontre/compte-rendu", CC_ADM_POST, 1,   \
      cc_adm_meeting_report)                                                                       \
    X(ADM_PUBLICATION, "adm_publication", "/admin/publication", CC_ADM_POST, 1,                    \
      cc_adm_publication)                                                                          \
    X(ADM_ROLE, "adm_role", "/admin/role", CC_ADM_POST, 1, cc_adm_role)

/* X(key, French, English) */
#define CC_MESSAGES_ADMIN(X)                                                                       \
    X(ADM_TITLE, "Administration", "Administration")                                               \
    X(ADM_DONE, "Modification enregistrée et publiée.", "Change recorded and published.")          \
    X(ADM_CONSULTATION, "Textes de la consultation", "Consultation texts")                         \
    X(ADM_F_TITLE, "Titre", "Title")                                                               \
    X(ADM_F_TEXT, "Texte (Markdown)", "Text (Markdown)")                                           \
    X(ADM_THEME, "Créer ou modifier un thème", "Create or edit a theme")                           \
    X(ADM_THEME_ID, "Numéro du thème (vide : nouveau thème)", "Theme number (empty: new theme)")   \
    X(ADM_F_THEME, "Numéro du thème", "Theme number")                                              \
    X(ADM_F_THEME_OPT, "Numéro du thème (facultatif)", "Theme number (optional)")                  \
    X(ADM_F_ORDER, "Ordre d'affichage", "Display order")                                           \
    X(ADM_F_OPENS, "Ouverture (AAAA-MM-JJ)", "Opens (YYYY-MM-DD)")                                 \
    X(ADM_F_CLOSES, "Clôture (AAAA-MM-JJ)", "Closes (YYYY-MM-DD)")                                 \
    X(ADM_THEME_STATE, "Ouvrir ou clore un thème", "Open or close a theme")                        \
    X(ADM_OPEN, "Ouvrir", "Open")                                                                  \
    X(ADM_CLOSE, "Clore", "Close")                                                                 \
    X(ADM_SECTION, "Créer ou modifier une rubrique", "Create or edit a section")                   \
    X(ADM_SECTION_ID, "Numéro de la rubrique (vide : nouvelle rubrique)",                          \
      "Section number (empty: new section)")                                                       \
    X(ADM_F_KIND, "Type de rubrique", "Kind of section")                                           \
    X(ADM_KIND_1, "présentation", "presentation")                                                  \
    X(ADM_KIND_2, "diagnostic", "diagnostic")                                                      \
    X(ADM_KIND_3, "propositions", "proposals")                                                     \
    X(ADM_KIND_4, "autre", "other")                                                                \
    X(ADM_F_POSTING, "Les participants peuvent y publier", "Participants may post here")           \
    X(ADM_DOCUMENT, "Publier un document", "Publish a document")                                   \
    X(ADM_F_FILE, "Fichier (PDF, texte, Markdown, ODT, DOCX ; 10 Mio au plus)",                    \
      "File (PDF, text, Markdown, ODT, DOCX; 10 MiB at most)")                                     \
    X(ADM_F_FROM, "Provenance (facultatif)", "Sent by (optional)")                                 \
    X(ADM_MEETING, "Programmer une journée contributive", "Schedule a contribution day")           \
    X(ADM_F_AT, "Date et heure (AAAA-MM-JJTHH:MM, UTC)", "Date and time (YYYY-MM-DDTHH:MM, UTC)")  \
    X(ADM_F_PLACE, "Lieu", "Place")                                                                \
    X(ADM_MEETING_REPORT, "Publier le compte rendu d'une journée",                                 \
      "Post the report of a contribution day")                                                     \
    X(ADM_F_MEETING, "Numéro de la journée", "Contribution day number")                            \
    X(ADM_PUBLICATION, "Publier une synthèse, des recommandations ou le rapport final",            \
      "Publish a synthesis, recommendations or the final report")                                  \
    X(ADM_F_PUB_KIND, "Publication", "Publication")                                                \
    X(ADM_PUB_SYNTHESIS, "synthèse du thème", "theme synthesis")                                   \
    X(ADM_PUB_RECOMMENDATIONS, "recommandations du thème", "theme recommendations")                \
    X(ADM_PUB_REPORT, "rapport final", "final report")                                             \
    X(ADM_ROLE, "Rôles", "Roles")                                                                  \
    X(ADM_F_WHO, "Identifiant ou pseudonyme", "Username or pseudonym")                             \
    X(ADM_F_ROLE, "Rôle", "Role")                                                                  \
    X(ADM_ROLE_MODERATOR, "modération", "moderator")                                               \
    X(ADM_ROLE_ADMIN, "administration", "administrator")                                           \
    X(ADM_GRANT, "Accorder", "Grant")                                                              \
    X(ADM_REVOKE, "Retirer", "Revoke")                                                             \
    X(ADM_SUBMIT, "Enregistrer", "Save")                                                           \
    X(ADM_PUBLISH, "Publier", "Publish")                                                           \
    X(ADM_ERR_NUMBER, "Nombre invalide.", "Invalid number.")                                       \
    X(ADM_ERR_DATE, "Date invalide : utilisez AAAA-MM-JJ.", "Invalid date: use YYYY-MM-DD.")       \
    X(ADM_ERR_DATETIME, "Date et heure invalides : utilisez AAAA-MM-JJTHH:MM.",                    \
      "Invalid date and time: use YYYY-MM-DDTHH:MM.")                                              \
    X(ADM_ERR_DATES, "La clôture doit suivre l'ouverture.",                                        \
      "The closing must follow the opening.")                                                      \
    X(ADM_ERR_CHOICE, "Choisissez une valeur de la liste.", "Choose a value from the list.")       \
    X(ADM_ERR_TARGET, "Ce thème, cette rubrique ou cette journée n'existe pas.",                   \
      "This theme, section or contribution day does not exist.")                                   \
    X(ADM_ERR_STATE, "Déjà dans cet état, ou changement impossible dans cet état.",                \
      "Already in that state, or not possible in this state.")                                     \
    X(ADM_ERR_WHO, "Aucun participant ne correspond.", "No participant matches.")                  \
    X(ADM_ERR_LAST_ADMIN,                                                                          \
      "Changement refusé (rôle déjà dans cet état, ou dernier administrateur).",                   \
      "Change refused (role already in that state, or the last administrator).")                   \
    X(ADM_ERR_FILE, "Joignez un fichier non vide.", "Attach a non-empty file.")                    \
    X(ADM_ERR_MIME,                                                                                \
      "Type de fichier refusé : PDF, texte, Markdown, ODT ou DOCX, dont le contenu correspond "   \
      "au type.",                                                                                  \
      "File type refused: PDF, text, Markdown, ODT or DOCX, with content matching the type.")      \
    X(ADM_ERR_TOO_BIG, "Fichier trop volumineux (10 Mio au plus).",                                \
      "File too large (10 MiB at most).")                                                          \
    X(ADM_ERR_MULTIPART, "L'envoi du fichier est mal formé.", "The file upload is malformed.")

#endif
