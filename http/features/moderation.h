/* moderation.h - routes and strings of the "moderation" feature (see features.h):
 * the queue of flagged items and the moderators' decisions (moderation.c). */
#ifndef CONCERTO_HTTP_FEATURE_MODERATION_H
#define CONCERTO_HTTP_FEATURE_MODERATION_H

/* X(id, metrics name, path, methods, html errors, handler) */
#define CC_ROUTES_MODERATION(X)                                                                    \
    X(MOD_QUEUE, "mod_queue", "/moderation", CC_METHOD_GET | CC_METHOD_HEAD, 1, cc_mod_queue)      \
    X(MOD_DECIDE, "mod_decide", "/moderation/decision", CC_METHOD_POST, 1, cc_mod_decide)

/* X(key, French, English) */
#define CC_MESSAGES_MODERATION(X)                                                                   \
    X(MOD_TITLE, "Modération", "Moderation")                                                        \
    X(MOD_INTRO,                                                                                    \
      "Contenus signalés, du plus ancien signalement au plus récent. Chaque décision est "       \
      "publique "                                                                                   \
      ": dans la corbeille, ou dans l'historique du contenu pour un signalement rejeté.",           \
      "Flagged content, oldest flag first. Every decision is public: in the bin, or in the "        \
      "item's history for a dismissed flag.")                                                       \
    X(MOD_EMPTY, "Aucun signalement en attente.", "No open flag.")                                  \
    X(MOD_ITEM, "Contenu n°%llu", "Item #%llu")                                                     \
    X(MOD_FLAGS, "Signalements", "Flags")                                                           \
    X(MOD_FLAG_OPEN, "ouvert", "open")                                                              \
    X(MOD_FLAG_CLOSED, "traité", "closed")                                                          \
    X(MOD_NOTE, "Note publique", "Public note")                                                     \
    X(MOD_NOTE_HINT, "Publiée avec la décision et envoyée à l'auteur.",                             \
      "Published with the decision and sent to the author.")                                        \
    X(MOD_DISMISS, "Rejeter les signalements", "Dismiss the flags")                                 \
    X(MOD_TRASH, "Mettre à la corbeille", "Move to the bin")                                        \
    X(MOD_REMOVE, "Retirer (contenu illicite)", "Remove (illegal content)")                         \
    X(MOD_RESTORE, "Rétablir un contenu mis à la corbeille", "Restore an item from the bin")        \
    X(MOD_RESTORE_SUBMIT, "Rétablir", "Restore")                                                    \
    X(MOD_ITEM_ID, "Numéro du contenu", "Item number")                                              \
    X(MOD_REASON, "Motif (charte)", "Reason (charter)")                                             \
    X(MOD_GROUND, "Fondement (LCEN, art. 6)", "Legal ground (LCEN, art. 6)")                        \
    X(MOD_CHOOSE, "— choisir —", "— choose —")                                                      \
    X(MOD_REASON_1, "propos injurieux", "insulting")                                                \
    X(MOD_REASON_2, "propos volontairement erronés", "deliberately false")                          \
    X(MOD_REASON_3, "hors-sujet", "off topic")                                                      \
    X(MOD_REASON_4, "publicité ou spam", "advertising or spam")                                     \
    X(MOD_REASON_5, "doublon", "duplicate")                                                         \
    X(MOD_GROUND_1, "apologie de crimes contre l'humanité", "apology of crimes against humanity")   \
    X(MOD_GROUND_2, "incitation à la haine raciale", "incitement to racial hatred")                 \
    X(MOD_GROUND_3, "incitation à la haine (sexe, orientation, identité de genre, handicap)",       \
      "incitement to hatred (sex, orientation, gender identity, disability)")                       \
    X(MOD_GROUND_4, "pédopornographie", "child sexual abuse material")                              \
    X(MOD_GROUND_5, "incitation à la violence", "incitement to violence")                           \
    X(MOD_GROUND_6, "incitation aux violences faites aux femmes",                                   \
      "incitement to violence "                                                                     \
      "against women")                                                                              \
    X(MOD_GROUND_7, "atteinte à la dignité humaine", "attack on human dignity")                     \
    X(MOD_GROUND_8, "provocation au terrorisme ou apologie",                                        \
      "provocation to or apology of "                                                               \
      "terrorism")                                                                                  \
    X(MOD_FLAG_REASON_1, "injurieux", "insulting")                                                  \
    X(MOD_FLAG_REASON_2, "faux", "false")                                                           \
    X(MOD_FLAG_REASON_3, "hors-sujet", "off topic")                                                 \
    X(MOD_FLAG_REASON_4, "spam", "spam")                                                            \
    X(MOD_FLAG_REASON_5, "illicite", "illegal")                                                     \
    X(MOD_FLAG_REASON_6, "autre", "other")                                                          \
    X(MOD_DONE, "Décision enregistrée et publiée.", "Decision recorded and published.")             \
    X(MOD_ERR_REASON, "Choisissez un motif de la charte.", "Choose a reason from the charter.")     \
    X(MOD_ERR_GROUND, "Choisissez un fondement légal.", "Choose a legal ground.")                   \
    X(MOD_ERR_ACTION, "Décision inconnue.", "Unknown decision.")                                    \
    X(MOD_ERR_ITEM, "Ce contenu n'existe pas ou ne peut pas être modéré.",                          \
      "This item does not exist or cannot be moderated.")                                           \
    X(MOD_ERR_STATE,                                                                                \
      "Ce contenu n'est pas dans un état qui permet cette décision (déjà traité, retiré, ou " \
      "sans signalement ouvert).",                                                                  \
      "This item is not in a state that allows this decision (already handled, removed, or "        \
      "without an open flag).")                                                                     \
    X(MOD_FORBIDDEN_TITLE, "Accès refusé", "Access denied")                                         \
    X(MOD_FORBIDDEN_TEXT, "Cette page est réservée à l'équipe de modération ou d'administration.",  \
      "This page is for the moderation or administration team only.")                               \
    X(MOD_MAIL_SUBJECT, "Décision de modération sur votre contribution",                            \
      "Moderation decision on your contribution")                                                   \
    X(MOD_MAIL_BODY,                                                                                \
      "Bonjour,\n\nUne décision de modération a été prise sur votre contenu n°%llu :\n%s\n"    \
      "Motif : %s\nNote : %s\n\nCette décision est publique : %s\n",                                \
      "Hello,\n\nA moderation decision was taken on your item #%llu:\n%s\n"                         \
      "Reason: %s\nNote: %s\n\nThis decision is public: %s\n")                                      \
    X(MOD_MAIL_DISMISSED, "les signalements ont été rejetés, le contenu reste publié",              \
      "the flags were dismissed, the item stays published")                                         \
    X(MOD_MAIL_TRASHED, "le contenu a été mis à la corbeille publique",                             \
      "the item was moved to the public bin")                                                       \
    X(MOD_MAIL_REMOVED,                                                                             \
      "le contenu a été retiré comme illicite (LCEN, art. 6) ; son texte est "                   \
      "effacé",                                                                                     \
      "the item was removed as illegal (LCEN art. 6); its text is erased")                          \
    X(MOD_MAIL_RESTORED, "le contenu a été rétabli", "the item was restored")                       \
    X(MOD_NONE, "(aucun)", "(none)")

#endif
