/* pages.h - routes and strings of the "pages" feature (see features.h): the
 * public read-only pages (themes, sections, contributions, the bin, the
 * report, documents, meetings, open data, charter, FAQ, participants). */
#ifndef CONCERTO_HTTP_FEATURE_PAGES_H
#define CONCERTO_HTTP_FEATURE_PAGES_H

/* X(id, metrics name, path, methods, html errors, handler) */
#define CC_ROUTES_PAGES(X)                                                                         \
    X(PG_THEME, "theme", "/themes/", CC_GET_HEAD, 1, cc_page_theme)                                \
    X(PG_SECTION, "section", "/sections/", CC_GET_HEAD, 1, cc_page_section)                        \
    X(PG_CONTRIBUTION, "contribution", "/contributions/", CC_GET_HEAD, 1, cc_page_contribution)    \
    X(PG_TRASH, "trash", "/corbeille", CC_GET_HEAD, 1, cc_page_trash)                              \
    X(PG_REPORT, "report", "/rapport", CC_GET_HEAD, 1, cc_page_report)                             \
    X(PG_DOCUMENT_FILE, "document_file", "/documents/", CC_GET_HEAD, 1, cc_page_document_file)     \
    X(PG_DOCUMENTS, "documents", "/documents", CC_GET_HEAD, 1, cc_page_documents)                  \
    X(PG_MEETING, "meeting", "/rencontres/", CC_GET_HEAD, 1, cc_page_meeting)                      \
    X(PG_MEETINGS, "meetings", "/rencontres", CC_GET_HEAD, 1, cc_page_meetings)                    \
    X(PG_OPENDATA_FILE, "opendata_file", "/donnees-ouvertes/", CC_GET_HEAD, 0,                     \
      cc_page_snapshot_file)                                                                       \
    X(PG_OPENDATA, "opendata", "/donnees-ouvertes", CC_GET_HEAD, 1, cc_page_opendata)              \
    X(PG_CHARTER, "charter", "/charte", CC_GET_HEAD, 1, cc_page_charter)                           \
    X(PG_FAQ, "faq", "/faq", CC_GET_HEAD, 1, cc_page_faq)                                          \
    X(PG_PARTICIPANT, "participant", "/participants/", CC_GET_HEAD, 1, cc_page_participant)

/* X(key, French, English) */
#define CC_MESSAGES_PAGES(X)                                                                            \
    X(PG_NAV_LABEL, "Navigation principale", "Main navigation")                                         \
    X(PG_NAV_HOME, "Accueil", "Home")                                                                   \
    X(PG_NAV_TRASH, "Corbeille", "Public bin")                                                          \
    X(PG_NAV_REPORT, "Rapport", "Report")                                                               \
    X(PG_NAV_DOCUMENTS, "Documents", "Documents")                                                       \
    X(PG_NAV_MEETINGS, "Journées contributives", "Contribution days")                                   \
    X(PG_NAV_OPENDATA, "Données ouvertes", "Open data")                                                 \
    X(PG_NAV_CHARTER, "Charte", "Charter")                                                              \
    X(PG_NAV_FAQ, "FAQ", "FAQ")                                                                         \
    X(PG_BREADCRUMB, "Fil d'Ariane", "Breadcrumb")                                                      \
    X(PG_BAD_REQUEST_TITLE, "Requête invalide", "Bad request")                                          \
    X(PG_BAD_ID, "Cet identifiant n'est pas valide.", "This identifier is not valid.")                  \
    X(PG_BAD_PARAM, "Un paramètre de l'adresse n'est pas valide.",                                      \
      "A parameter of the address is not valid.")                                                       \
    X(PG_BAD_SEARCH, "La recherche est trop longue (100 caractères au plus).",                          \
      "The search is too long (100 characters at most).")                                               \
    X(PG_NOT_FOUND_ITEM, "Ce contenu n'existe pas.", "This content does not exist.")                    \
    X(PG_REMOVED_TITLE, "Contenu retiré", "Content removed")                                            \
    X(PG_REMOVED_TEXT,                                                                                  \
      "Ce contenu a été retiré pour contenu illicite ; seule sa trace reste dans la corbeille.",        \
      "This content was removed as illegal; only its trace remains in the public bin.")                 \
    X(PG_UNAVAILABLE_TITLE, "Données indisponibles", "Data unavailable")                                \
    X(PG_UNAVAILABLE_TEXT, "Les données sont en cours de chargement. Réessayez dans un instant.",       \
      "The data is still loading. Please try again in a moment.")                                       \
    X(PG_ANONYMOUS, "anonyme", "anonymous")                                                             \
    X(PG_STATUS_0, "statut non déclaré", "undeclared status")                                           \
    X(PG_STATUS_1, "citoyen", "citizen")                                                                \
    X(PG_STATUS_2, "association", "association")                                                        \
    X(PG_STATUS_3, "entreprise", "company")                                                             \
    X(PG_STATUS_4, "organisme public", "public body")                                                   \
    X(PG_STATUS_5, "organisation représentative", "representative organisation")                        \
    X(PG_BY, "Par ", "By ")                                                                             \
    X(PG_POSTED_ON, "publié le ", "posted on ")                                                         \
    X(PG_PAGINATION, "Pagination", "Pagination")                                                        \
    X(PG_PREV, "Page précédente", "Previous page")                                                      \
    X(PG_NEXT, "Page suivante", "Next page")                                                            \
    X(PG_PAGE_OF, "Page %llu sur %llu", "Page %llu of %llu")                                            \
    X(PG_TABS, "Onglets du thème", "Theme tabs")                                                        \
    X(PG_TAB_CONSULTATION, "Consultation", "Consultation")                                              \
    X(PG_TAB_SYNTHESIS, "Synthèse", "Synthesis")                                                        \
    X(PG_TAB_RECOMMENDATIONS, "Recommandations", "Recommendations")                                     \
    X(PG_SECTIONS, "Parties du thème", "Parts of the theme")                                            \
    X(PG_NO_SECTIONS, "Aucune partie.", "No part.")                                                     \
    X(PG_CONTRIBUTIONS_N, "%u contributions", "%u contributions")                                       \
    X(PG_SECTION_CLOSED, "Cette partie ne reçoit pas de contributions.",                                \
      "This part does not take contributions.")                                                         \
    X(PG_NO_SYNTHESIS, "La synthèse n'est pas encore publiée.",                                         \
      "The synthesis has not been published yet.")                                                      \
    X(PG_NO_RECOMMENDATIONS, "Les recommandations ne sont pas encore publiées.",                        \
      "The recommendations have not been published yet.")                                               \
    X(PG_PUBLISHED_ON, "Publié le ", "Published on ")                                                   \
    X(PG_BASED_ON, "Fondé sur les %llu premières entrées du journal public.",                           \
      "Based on the first %llu entries of the public log.")                                             \
    X(PG_STATS, "Statistiques", "Statistics")                                                           \
    X(PG_STATS_FROZEN,                                                                                  \
      "Chiffres arrêtés à la clôture du thème : les %llu premières entrées du journal.",                \
      "Figures frozen at the close of the theme: the first %llu entries of the log.")                   \
    X(PG_STATS_LIVE, "Chiffres en cours : les %llu premières entrées du journal.",                      \
      "Current figures: the first %llu entries of the log.")                                            \
    X(PG_COUNTERS, "Compteurs", "Counters")                                                             \
    X(PG_C_CONTRIBUTIONS, "Contributions", "Contributions")                                             \
    X(PG_C_EDITS, "Modifications", "Edits")                                                             \
    X(PG_C_ARGS_FOR, "Arguments pour", "Arguments for")                                                 \
    X(PG_C_ARGS_AGAINST, "Arguments contre", "Arguments against")                                       \
    X(PG_C_SOURCES, "Sources", "Sources")                                                               \
    X(PG_C_COMMENTS, "Commentaires", "Comments")                                                        \
    X(PG_C_PARTICIPANTS, "Participants", "Participants")                                                \
    X(PG_C_FLAGS, "Signalements", "Flags")                                                              \
    X(PG_C_TRASHED, "Mis à la corbeille", "Moved to the bin")                                           \
    X(PG_C_REMOVED, "Retirés (contenu illicite)", "Removed (illegal content)")                          \
    X(PG_VOTE_AGREE, "D'accord", "Agree")                                                               \
    X(PG_VOTE_MITIGATED, "Mitigé", "Mitigated")                                                         \
    X(PG_VOTE_DISAGREE, "Pas d'accord", "Disagree")                                                     \
    X(PG_CHART_VOTES, "Votes par valeur", "Votes by value")                                             \
    X(PG_CHART_VOTES_DESC, "Nombre de votes pour chaque valeur.",                                       \
      "Number of votes for each value.")                                                                \
    X(PG_CHART_STATUS, "Participants par statut déclaré", "Participants by declared status")            \
    X(PG_CHART_STATUS_DESC, "Nombre de participants distincts selon leur statut déclaré.",              \
      "Number of distinct participants by their declared status.")                                      \
    X(PG_CHART_DAYS, "Activité par jour", "Activity per day")                                           \
    X(PG_CHART_DAYS_DESC,                                                                               \
      "Contributions, arguments, sources, commentaires et votes de chaque jour (UTC).",                 \
      "Contributions, arguments, sources, comments and votes of each day (UTC).")                       \
    X(PG_COL_VALUE, "Valeur", "Value")                                                                  \
    X(PG_COL_COUNT, "Nombre", "Count")                                                                  \
    X(PG_COL_STATUS, "Statut", "Status")                                                                \
    X(PG_COL_DAY, "Jour", "Day")                                                                        \
    X(PG_COL_WHAT, "Indicateur", "Indicator")                                                           \
    X(PG_SORT_LABEL, "Trier les contributions", "Sort contributions")                                   \
    X(PG_SORT_RECENT, "Les plus récentes", "Most recent")                                               \
    X(PG_SORT_VOTES, "Les plus votées", "Most voted")                                                   \
    X(PG_SORT_CONTROVERSIAL, "Les plus controversées", "Most controversial")                            \
    X(PG_SORT_RANDOM, "Aléatoire", "Random")                                                            \
    X(PG_SEARCH_LABEL, "Rechercher dans cette partie", "Search this part")                              \
    X(PG_SEARCH_BUTTON, "Rechercher", "Search")                                                         \
    X(PG_SEARCH_RESULTS, "%llu résultat(s) pour « %s »", "%llu result(s) for “%s”")                     \
    X(PG_SEARCH_BOUNDED, "La recherche porte sur les %u contributions les plus récentes.",              \
      "The search covers the %u most recent contributions.")                                            \
    X(PG_CONTRIBUTIONS, "Contributions", "Contributions")                                               \
    X(PG_NO_CONTRIBUTIONS, "Aucune contribution.", "No contribution.")                                  \
    X(PG_VOTES_LINE, "D'accord : %u · Mitigé : %u · Pas d'accord : %u",                                 \
      "Agree: %u · Mitigated: %u · Disagree: %u")                                                       \
    X(PG_ARGS_LINE, "Arguments : %u pour, %u contre", "Arguments: %u for, %u against")                  \
    X(PG_VOTES, "Votes", "Votes")                                                                       \
    X(PG_ARGUMENTS, "Arguments", "Arguments")                                                           \
    X(PG_ARGS_FOR, "Pour", "For")                                                                       \
    X(PG_ARGS_AGAINST, "Contre", "Against")                                                             \
    X(PG_NO_ARGUMENTS, "Aucun argument.", "No argument.")                                               \
    X(PG_UPVOTES, "%u vote(s) favorable(s)", "%u up-vote(s)")                                           \
    X(PG_FLAG_LINK, "Signaler", "Report")                                                               \
    X(PG_COMMENT_LINK, "Commenter", "Comment")                                                          \
    X(PG_SOURCES, "Sources", "Sources")                                                                 \
    X(PG_NO_SOURCES, "Aucune source.", "No source.")                                                    \
    X(PG_COMMENTS, "Commentaires", "Comments")                                                          \
    X(PG_NO_COMMENTS, "Aucun commentaire.", "No comment.")                                              \
    X(PG_VERSIONS, "Historique des versions", "Version history")                                        \
    X(PG_VERSIONS_LINK, "Voir les %u versions", "See the %u versions")                                  \
    X(PG_VERSION_N, "Version %u", "Version %u")                                                         \
    X(PG_BACK_TO_CONTRIBUTION, "Retour à la contribution", "Back to the contribution")                  \
    X(PG_MODERATION, "Historique de modération", "Moderation history")                                  \
    X(PG_NO_MODERATION, "Aucune décision de modération.", "No moderation decision.")                    \
    X(PG_DEC_DISMISSED, "Signalement rejeté", "Flag dismissed")                                         \
    X(PG_DEC_TRASHED, "Mise à la corbeille", "Moved to the bin")                                        \
    X(PG_DEC_REMOVED, "Retrait (contenu illicite)", "Removal (illegal content)")                        \
    X(PG_DEC_RESTORED, "Rétablissement", "Restored")                                                    \
    X(PG_TRASHED_NOTICE, "Cette contribution a été placée dans la corbeille publique.",                 \
      "This contribution was moved to the public bin.")                                                 \
    X(PG_TRASH_TITLE, "Corbeille publique", "Public bin")                                               \
    X(PG_TRASH_INTRO,                                                                                   \
      "Les contenus modérés pour les raisons de la charte restent consultables ici. Les contenus "    \
      "illicites retirés n'apparaissent que sous forme de trace : motif, date et empreinte.",           \
      "Content moderated for the reasons of the charter stays readable here. Illegal content "          \
      "that was removed appears only as a trace: ground, date and commitment.")                         \
    X(PG_TRASH_FILTER, "Filtrer par thème", "Filter by theme")                                          \
    X(PG_TRASH_ALL, "Tous les thèmes", "All themes")                                                    \
    X(PG_TRASH_APPLY, "Filtrer", "Filter")                                                              \
    X(PG_TRASH_EMPTY, "La corbeille est vide.", "The bin is empty.")                                    \
    X(PG_TRASH_REASON, "Motif : ", "Reason: ")                                                          \
    X(PG_TRASH_ON, "Décision du ", "Decision of ")                                                      \
    X(PG_TRASH_NOTE, "Note du modérateur : ", "Moderator's note: ")                                     \
    X(PG_TOMBSTONE, "Contenu retiré : texte supprimé.", "Content removed: text deleted.")               \
    X(PG_COMMITMENT, "Empreinte : ", "Commitment: ")                                                    \
    X(PG_KIND_3, "Contribution", "Contribution")                                                        \
    X(PG_KIND_4, "Argument", "Argument")                                                                \
    X(PG_KIND_5, "Source", "Source")                                                                    \
    X(PG_KIND_6, "Commentaire", "Comment")                                                              \
    X(PG_KIND_7, "Document", "Document")                                                                \
    X(PG_KIND_8, "Journée contributive", "Contribution day")                                            \
    X(PG_KIND_OTHER, "Élément", "Item")                                                                 \
    X(PG_REASON_1, "propos injurieux", "insulting")                                                     \
    X(PG_REASON_2, "propos volontairement erronés", "deliberately false")                               \
    X(PG_REASON_3, "hors-sujet", "off-topic")                                                           \
    X(PG_REASON_4, "spam ou publicité", "spam or advertising")                                          \
    X(PG_REASON_5, "doublon", "duplicate")                                                              \
    X(PG_GROUND_1, "apologie des crimes contre l'humanité", "apology of crimes against humanity")       \
    X(PG_GROUND_2, "incitation à la haine raciale", "incitement to racial hatred")                      \
    X(PG_GROUND_3,                                                                                      \
      "incitation à la haine à raison du sexe, de l'orientation ou identité sexuelle ou du "         \
      "handicap",                                                                                       \
      "incitement to hatred on grounds of sex, sexual orientation or identity, or disability")          \
    X(PG_GROUND_4, "pornographie enfantine", "child pornography")                                       \
    X(PG_GROUND_5, "incitation à la violence", "incitement to violence")                                \
    X(PG_GROUND_6, "incitation aux violences faites aux femmes",                                        \
      "incitement to violence against women")                                                           \
    X(PG_GROUND_7, "atteinte à la dignité humaine", "attack on human dignity")                          \
    X(PG_GROUND_8, "provocation au terrorisme ou apologie",                                             \
      "provocation to or apology of terrorism")                                                         \
    X(PG_REPORT_TITLE, "Recommandations et rapport final", "Recommendations and final report")          \
    X(PG_REPORT_FINAL, "Rapport final", "Final report")                                                 \
    X(PG_NO_REPORT, "Le rapport final n'est pas encore publié.",                                        \
      "The final report has not been published yet.")                                                   \
    X(PG_REPORT_THEMES, "Recommandations par thème", "Recommendations by theme")                        \
    X(PG_DOCS_TITLE, "Documents reçus", "Documents received")                                           \
    X(PG_DOCS_INTRO,                                                                                    \
      "Les documents transmis par les organisations sont publiés tels quels, identifiés par "         \
      "leur empreinte SHA-256.",                                                                        \
      "Documents sent by organisations are published as received, identified by their SHA-256 "         \
      "hash.")                                                                                          \
    X(PG_NO_DOCS, "Aucun document publié.", "No document published.")                                   \
    X(PG_DOC_FROM, "Transmis par : ", "Sent by: ")                                                      \
    X(PG_DOC_DOWNLOAD, "Télécharger « %s » (%s, %llu octets)", "Download “%s” (%s, %llu bytes)")        \
    X(PG_MEETINGS_TITLE, "Journées contributives", "Contribution days")                                 \
    X(PG_NO_MEETINGS, "Aucune journée contributive annoncée.", "No contribution day announced.")        \
    X(PG_MEETING_PLACE, "Lieu : ", "Place: ")                                                           \
    X(PG_MEETING_DATE, "Date : ", "Date: ")                                                             \
    X(PG_MEETING_REPORT, "Compte rendu", "Report")                                                      \
    X(PG_NO_MEETING_REPORT, "Le compte rendu n'est pas encore publié.",                                 \
      "The report has not been published yet.")                                                         \
    X(PG_OPENDATA_TITLE, "Données ouvertes", "Open data")                                               \
    X(PG_OPENDATA_INTRO,                                                                                \
      "Toutes les données de la consultation sont publiques, anonymisées et vérifiables : le "       \
      "journal des événements est signé, et chacun peut le rejouer pour recalculer chaque "          \
      "chiffre publié.",                                                                                \
      "All the data of the consultation is public, anonymised and verifiable: the event log is "        \
      "signed, and anyone can replay it to recompute every published figure.")                          \
    X(PG_OD_DOWNLOADS, "Téléchargements", "Downloads")                                                  \
    X(PG_OD_SNAPSHOTS,                                                                                  \
      "Les instantanés (CSV, JSON Lines, datapackage.json, README des colonnes, licence, "             \
      "MANIFEST des empreintes SHA-256) sont produits par « concerto export » à partir du seul "     \
      "journal ; un auditeur qui rejoue le journal obtient les mêmes octets.",                          \
      "Snapshots (CSV, JSON Lines, datapackage.json, README of the columns, licence, MANIFEST "         \
      "of SHA-256 hashes) are produced by “concerto export” from the log alone; an auditor who "    \
      "replays the log gets the same bytes.")                                                           \
    X(PG_OD_CHECKPOINT_LINK, "Point de contrôle signé (/checkpoint)",                                   \
      "Signed checkpoint (/checkpoint)")                                                                \
    X(PG_OD_TILES_LINK, "Tuiles du journal (/tile/, format C2SP tlog-tiles)",                           \
      "Log tiles (/tile/, C2SP tlog-tiles format)")                                                     \
    X(PG_OD_CURRENT, "Point de contrôle actuel", "Current checkpoint")                                  \
    X(PG_OD_NO_CHECKPOINT, "Le journal est vide.", "The log is empty.")                                 \
    X(PG_OD_PUBLISHED, "Instantanés publiés", "Published snapshots")                                    \
    X(PG_OD_PUBLISHED_TEXT,                                                                             \
      "Le serveur tient à jour un instantané récent du journal, et en produit un à la clôture de " \
      "chaque thème, conservé pour toujours. Chacun se vérifie sans nous faire confiance :",            \
      "The server keeps a recent snapshot of the log up to date, and makes one at the close of "        \
      "each theme, kept forever. Each can be checked without trusting us:")                             \
    X(PG_OD_LATEST, "Dernier instantané : les %llu premières entrées du journal",                       \
      "Latest snapshot: the first %llu entries of the log")                                             \
    X(PG_OD_NO_LATEST, "Aucun instantané récent n'est encore disponible.",                              \
      "No recent snapshot is available yet.")                                                           \
    X(PG_OD_THEME_SNAPSHOT, "Thème %llu, à sa clôture : les %llu premières entrées du journal",         \
      "Theme %llu, at its close: the first %llu entries of the log")                                    \
    X(PG_OD_NO_THEME_SNAPSHOT, "Aucun thème n'est encore clos.", "No theme has closed yet.")            \
    X(PG_OD_DATA_FILES, "Tables : ", "Tables: ")                                                        \
    X(PG_OD_KEY, "Clé de vérification", "Verifier key")                                                 \
    X(PG_OD_HOW, "Comment vérifier", "How to verify")                                                   \
    X(PG_OD_HOW_TEXT,                                                                                   \
      "Téléchargez le journal et vérifiez-le avec la clé ci-dessus, puis recalculez les "           \
      "instantanés :",                                                                                  \
      "Download the log and check it with the key above, then recompute the snapshots:")                \
    X(PG_CHARTER_TITLE, "Charte de modération", "Moderation charter")                                   \
    X(PG_CHARTER_INTRO,                                                                                 \
      "Toute argumentation justifiée et respectueuse des autres participants est la bienvenue. "       \
      "Toutes les contributions sont mises à égalité, quels qu'en soient les auteurs.",                 \
      "Any reasoned argument respectful of other participants is welcome. All contributions are "       \
      "treated equally, whoever their authors.")                                                        \
    X(PG_CHARTER_TRASH, "Mise à la corbeille", "Moving to the bin")                                     \
    X(PG_CHARTER_TRASH_TEXT,                                                                            \
      "Un contenu signalé dont le signalement est fondé est placé dans la corbeille publique, "      \
      "pour l'une de ces raisons seulement :",                                                          \
      "Flagged content, when the flag is well-founded, is moved to the public bin, for one of "         \
      "these reasons only:")                                                                            \
    X(PG_CHARTER_REMOVAL, "Retrait des contenus illicites", "Removal of illegal content")               \
    X(PG_CHARTER_REMOVAL_TEXT,                                                                          \
      "Les contenus illicites au sens de l'article 6 de la loi pour la confiance dans l'économie "     \
      "numérique (LCEN) sont retirés : leur texte est supprimé, seule une trace (motif, date, "      \
      "empreinte) reste dans la corbeille. Motifs :",                                                   \
      "Content that is illegal under article 6 of the French LCEN (law on confidence in the "           \
      "digital economy) is removed: its text is deleted, only a trace (ground, date, commitment) "      \
      "remains in the bin. Grounds:")                                                                   \
    X(PG_CHARTER_BIN, "La corbeille publique", "The public bin")                                        \
    X(PG_CHARTER_BIN_TEXT,                                                                              \
      "La corbeille est consultable par tous : chaque décision y figure avec son motif et sa "         \
      "date. Cela protège chacun contre toute forme de censure.",                                       \
      "The bin is open to all: every decision appears there with its reason and date. This "            \
      "protects everyone against any form of censorship.")                                              \
    X(PG_FAQ_TITLE, "Questions fréquentes", "Frequently asked questions")                               \
    X(PG_FAQ_LANG_NOTE, "Cette page n'existe qu'en français.",                                          \
      "This page is available in French only.")                                                         \
    X(PG_PARTICIPANT_TITLE, "Participant : %s", "Participant: %s")                                      \
    X(PG_PARTICIPANT_STATUS, "Statut déclaré : ", "Declared status: ")                                  \
    X(PG_PARTICIPANT_ORG, "Organisation : ", "Organisation: ")                                          \
    X(PG_PARTICIPANT_CONTRIBS, "Contributions publiques", "Public contributions")                       \
    X(PG_PARTICIPANT_NONE, "Aucune contribution publique.", "No public contribution.")

#endif
