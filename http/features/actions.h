/* actions.h - routes and strings of the "actions" feature (see features.h):
 * participation (post and edit a contribution, argue, add a source,
 * comment, vote, up-vote, flag) and the contact form. Code in actions.c;
 * the forms the public pages embed are declared in actions_forms.h. */
#ifndef CONCERTO_HTTP_FEATURE_ACTIONS_H
#define CONCERTO_HTTP_FEATURE_ACTIONS_H

/* X(id, metrics name, path, methods, html errors, handler) */
#define CC_ACT_GPH (CC_METHOD_GET | CC_METHOD_HEAD | CC_METHOD_POST)
#define CC_ROUTES_ACTIONS(X)                                                                       \
    X(ACT_POST, "act_post", "/contribuer/", CC_ACT_GPH, 1, cc_act_post)                            \
    X(ACT_EDIT, "act_edit", "/modifier/", CC_ACT_GPH, 1, cc_act_edit)                              \
    X(ACT_ARGUMENT, "act_argument", "/argumenter/", CC_ACT_GPH, 1, cc_act_argument)                \
    X(ACT_SOURCE, "act_source", "/ajouter-source/", CC_ACT_GPH, 1, cc_act_source)                  \
    X(ACT_COMMENT, "act_comment", "/commenter/", CC_ACT_GPH, 1, cc_act_comment)                    \
    X(ACT_VOTE, "act_vote", "/voter/", CC_ACT_GPH, 1, cc_act_vote)                                 \
    X(ACT_FLAG, "act_flag", "/signaler/", CC_ACT_GPH, 1, cc_act_flag)                              \
    X(ACT_CONTACT, "act_contact", "/contact", CC_ACT_GPH, 1, cc_act_contact)

/* X(key, French, English) */
#define CC_MESSAGES_ACTIONS(X)                                                                     \
    X(ACT_TAKE_PART, "Participer", "Take part")                                                    \
    X(ACT_LOGIN_TO_TAKE_PART, "Connectez-vous pour participer", "Log in to take part")             \
    X(ACT_ON_ITEM, "À propos de : ", "About: ")                                                    \
    X(ACT_POST_TITLE, "Proposer une contribution", "Post a contribution")                          \
    X(ACT_FIELD_TITLE, "Titre", "Title")                                                           \
    X(ACT_FIELD_TEXT, "Texte", "Text")                                                             \
    X(ACT_MARKDOWN_HINT, "Mise en forme Markdown acceptée ; le HTML n'est pas interprété.",        \
      "Markdown formatting accepted; HTML is not interpreted.")                                    \
    X(ACT_POST_SUBMIT, "Publier la contribution", "Publish the contribution")                      \
    X(ACT_EDIT_TITLE, "Modifier la contribution", "Edit the contribution")                         \
    X(ACT_EDIT_LINK, "Modifier ma contribution", "Edit my contribution")                           \
    X(ACT_EDIT_HINT, "Chaque version reste publique dans l'historique.",                           \
      "Every version stays public in the history.")                                                \
    X(ACT_EDIT_SUBMIT, "Enregistrer la nouvelle version", "Save the new version")                  \
    X(ACT_ARG_TITLE, "Ajouter un argument", "Add an argument")                                     \
    X(ACT_SIDE, "Votre argument est", "Your argument is")                                          \
    X(ACT_SIDE_FOR, "pour", "for")                                                                 \
    X(ACT_SIDE_AGAINST, "contre", "against")                                                       \
    X(ACT_ARG_SUBMIT, "Publier l'argument", "Publish the argument")                                \
    X(ACT_SOURCE_TITLE, "Ajouter une source", "Add a source")                                      \
    X(ACT_FIELD_URL, "Adresse (URL)", "Address (URL)")                                             \
    X(ACT_URL_HINT, "Une adresse complète commençant par http:// ou https://.",                    \
      "A full address starting with http:// or https://.")                                         \
    X(ACT_FIELD_DESCRIPTION, "Description (facultative)", "Description (optional)")                \
    X(ACT_SOURCE_SUBMIT, "Ajouter la source", "Add the source")                                    \
    X(ACT_COMMENT_TITLE, "Commenter", "Comment")                                                   \
    X(ACT_FIELD_COMMENT, "Commentaire", "Comment")                                                 \
    X(ACT_COMMENT_SUBMIT, "Publier le commentaire", "Publish the comment")                         \
    X(ACT_VOTE_TITLE, "Votre vote", "Your vote")                                                   \
    X(ACT_VOTE_CURRENT, "Votre vote actuel : ", "Your current vote: ")                             \
    X(ACT_VOTE_NONE, "Vous n'avez pas encore voté.", "You have not voted yet.")                    \
    X(ACT_VOTE_SUBMIT, "Voter", "Vote")                                                            \
    X(ACT_VOTE_CHANGE, "Changer mon vote", "Change my vote")                                       \
    X(ACT_VOTE_WITHDRAW, "Retirer mon vote", "Withdraw my vote")                                   \
    X(ACT_VOTE_AGREE, "D'accord", "Agree")                                                         \
    X(ACT_VOTE_MITIGATED, "Mitigé", "Mitigated")                                                   \
    X(ACT_VOTE_DISAGREE, "Pas d'accord", "Disagree")                                               \
    X(ACT_UPVOTE_HEADING, "Soutenir des arguments", "Support arguments")                           \
    X(ACT_UPVOTE, "Soutenir", "Support")                                                           \
    X(ACT_UPVOTE_WITHDRAW, "Retirer mon soutien", "Withdraw my support")                           \
    X(ACT_UPVOTED, "Vous soutenez cet argument.", "You support this argument.")                    \
    X(ACT_FLAG_TITLE, "Signaler un contenu", "Flag content")                                       \
    X(ACT_FLAG_LINK, "Signaler", "Flag")                                                           \
    X(ACT_FLAG_REASON, "Motif du signalement (charte)", "Reason for the flag (charter)")           \
    X(ACT_FLAG_R1, "propos injurieux", "insulting")                                                \
    X(ACT_FLAG_R2, "propos volontairement erronés", "deliberately false")                          \
    X(ACT_FLAG_R3, "hors-sujet", "off-topic")                                                      \
    X(ACT_FLAG_R4, "spam ou publicité", "spam or advertising")                                     \
    X(ACT_FLAG_R5, "contenu illicite", "illegal content")                                          \
    X(ACT_FLAG_R6, "autre (précisez)", "other (give details)")                                     \
    X(ACT_FLAG_DETAILS, "Précisions (facultatives)", "Details (optional)")                         \
    X(ACT_FLAG_SUBMIT, "Envoyer le signalement", "Send the flag")                                  \
    X(ACT_FLAGGED, "Vous avez signalé ce contenu : la modération va l'examiner.",                  \
      "You flagged this content: the moderators will look at it.")                                 \
    X(ACT_CONTACT_TITLE, "Nous contacter", "Contact us")                                           \
    X(ACT_CONTACT_INTRO,                                                                           \
      "Pour toute question ou suggestion, écrivez-nous. Votre message est transmis à l'équipe " \
      "et n'est jamais publié.",                                                                   \
      "For any question or suggestion, write to us. Your message goes to the team and is never "   \
      "published.")                                                                                \
    X(ACT_CONTACT_EMAIL, "Votre adresse électronique (pour vous répondre)",                        \
      "Your e-mail address (to answer you)")                                                       \
    X(ACT_CONTACT_SUBJECT, "Objet", "Subject")                                                     \
    X(ACT_CONTACT_MESSAGE, "Message", "Message")                                                   \
    X(ACT_CONTACT_SUBMIT, "Envoyer le message", "Send the message")                                \
    X(ACT_CONTACT_SENT, "Votre message a été transmis à l'équipe. Merci.",                         \
      "Your message was sent to the team. Thank you.")                                             \
    X(ACT_CONTACT_MAIL_SUBJECT, "[contact] %s", "[contact] %s")                                    \
    X(ACT_ERRORS_INTRO, "Votre demande n'a pas abouti :", "Your request did not go through:")      \
    X(ACT_E_SIGN_IN, "Connectez-vous avec un compte activé pour participer.",                      \
      "Log in with an activated account to take part.")                                            \
    X(ACT_E_CSRF, "Le formulaire a expiré. Vérifiez votre saisie et envoyez-le de nouveau.",       \
      "The form expired. Check what you typed and send it again.")                                 \
    X(ACT_E_EMPTY, "Ce champ est obligatoire.", "This field is required.")                         \
    X(ACT_E_TOOLONG, "Ce champ est trop long.", "This field is too long.")                         \
    X(ACT_E_UTF8, "Le texte envoyé n'est pas de l'UTF-8 valide.",                                  \
      "The text sent is not valid UTF-8.")                                                         \
    X(ACT_E_CONTROL, "Ce champ contient des caractères de contrôle non autorisés.",                \
      "This field contains control characters that are not allowed.")                              \
    X(ACT_E_MALFORMED, "Le formulaire envoyé est mal formé.", "The form sent is malformed.")       \
    X(ACT_E_URL, "Adresse invalide : donnez une URL complète en http:// ou https://.",             \
      "Invalid address: give a full http:// or https:// URL.")                                     \
    X(ACT_E_EMAIL, "Adresse électronique invalide.", "Invalid e-mail address.")                    \
    X(ACT_E_CHOICE, "Choisissez une des options proposées.", "Choose one of the options offered.") \
    X(ACT_E_DETAILS, "Précisez le motif du signalement.", "Give details for the flag.")            \
    X(ACT_E_FORBIDDEN, "Votre rôle ne permet pas cette action.",                                   \
      "Your role does not allow this action.")                                                     \
    X(ACT_E_NOTREGISTERED, "Votre compte n'est pas encore activé.",                                \
      "Your account is not activated yet.")                                                        \
    X(ACT_E_ERASED, "Ce compte a été supprimé.", "This account was deleted.")                      \
    X(ACT_E_NOITEM, "Cet élément n'existe pas.", "This item does not exist.")                      \
    X(ACT_E_KIND, "Cette action n'est pas possible sur ce type d'élément.",                        \
      "This action is not possible on this kind of item.")                                         \
    X(ACT_E_CLOSED, "Ce thème est clos : il n'accepte plus de participation.",                     \
      "This theme is closed: it no longer accepts participation.")                                 \
    X(ACT_E_NOPOSTING, "Cette partie n'accepte pas de contributions.",                             \
      "This section does not accept contributions.")                                               \
    X(ACT_E_MODERATED, "Cet élément a été modéré (corbeille) : on ne peut plus y participer.",     \
      "This item was moderated (bin): it no longer takes participation.")                          \
    X(ACT_E_REMOVED, "Cet élément a été retiré.", "This item was removed.")                        \
    X(ACT_E_ALREADY, "C'est déjà fait.", "This is already done.")                                  \
    X(ACT_E_ALREADY_VOTED, "Vous avez déjà exprimé ce vote.", "You already cast this vote.")       \
    X(ACT_E_ALREADY_FLAGGED, "Vous avez déjà signalé ce contenu.",                                 \
      "You already flagged this content.")                                                         \
    X(ACT_E_NOVOTE, "Vous n'avez pas de vote à changer ou retirer.",                               \
      "You have no vote to change or withdraw.")                                                   \
    X(ACT_E_NOTAUTHOR, "Seul l'auteur ou l'autrice peut modifier cette contribution.",             \
      "Only the author may edit this contribution.")                                               \
    X(ACT_E_SHUTDOWN, "Le site redémarre : réessayez dans un instant.",                            \
      "The site is restarting: try again in a moment.")                                            \
    X(ACT_E_INTERNAL, "Une erreur interne est survenue. Réessayez.",                               \
      "An internal error occurred. Try again.")

#endif
