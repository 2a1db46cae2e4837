/* accounts.h - routes and strings of the "accounts" feature (see features.h):
 * registration, e-mail confirmation, login/logout, password reset, the
 * account page (rectification, e-mail change re-confirmed from the new
 * address, download, deletion). Code in accounts.c. */
#ifndef CONCERTO_HTTP_FEATURE_ACCOUNTS_H
#define CONCERTO_HTTP_FEATURE_ACCOUNTS_H

/* X(id, metrics name, path, methods, html errors, handler) */
#define CC_ACC_GPH (CC_METHOD_GET | CC_METHOD_HEAD | CC_METHOD_POST)
#define CC_ROUTES_ACCOUNTS(X)                                                                      \
    X(ACC_REGISTER, "acc_register", "/inscription", CC_ACC_GPH, 1, cc_acc_register)                \
    X(ACC_CONFIRM, "acc_confirm", "/confirmer", CC_ACC_GPH, 1, cc_acc_confirm)                     \
    X(ACC_LOGIN, "acc_login", "/connexion", CC_ACC_GPH, 1, cc_acc_login)                           \
    X(ACC_LOGOUT, "acc_logout", "/deconnexion", CC_METHOD_POST, 1, cc_acc_logout)                  \
    X(ACC_FORGOT, "acc_forgot", "/mot-de-passe-oublie", CC_ACC_GPH, 1, cc_acc_forgot)              \
    X(ACC_RESET, "acc_reset", "/reinitialiser", CC_ACC_GPH, 1, cc_acc_reset)                       \
    X(ACC_ACCOUNT, "acc_account", "/compte", CC_ACC_GPH, 1, cc_acc_account)                        \
    X(ACC_EMAIL_CONFIRM, "acc_email_confirm", "/confirmer-adresse", CC_ACC_GPH, 1,                 \
      cc_acc_email_confirm)                                                                        \
    X(ACC_EXPORT, "acc_export", "/compte/donnees", CC_METHOD_GET | CC_METHOD_HEAD, 1,              \
      cc_acc_export)                                                                               \
    X(ACC_DELETE, "acc_delete", "/compte/supprimer", CC_ACC_GPH, 1, cc_acc_delete)

/* X(key, French, English) */
#define CC_MESSAGES_ACCOUNTS(X)                                                                          \
    X(ACC_REGISTER_TITLE, "Créer un compte", "Create an account")                                        \
    X(ACC_REGISTER_INTRO,                                                                                \
      "Pour contribuer, créez un compte. Votre adresse électronique n'est jamais publiée. "           \
      "Votre identifiant est affiché avec vos contributions sur le site ; les données "                \
      "ouvertes ne contiennent qu'un pseudonyme.",                                                       \
      "To contribute, create an account. Your e-mail address is never published. Your "                  \
      "username is shown with your contributions on the site; the open data carry only a "               \
      "pseudonym.")                                                                                      \
    X(ACC_USERNAME, "Identifiant", "Username")                                                           \
    X(ACC_USERNAME_HINT, "3 à 32 caractères : lettres, chiffres, « _ », « - », « . ».",                  \
      "3 to 32 characters: letters, digits, \"_\", \"-\", \".\".")                                       \
    X(ACC_EMAIL, "Adresse électronique", "E-mail address")                                               \
    X(ACC_PASSWORD, "Mot de passe", "Password")                                                          \
    X(ACC_PASSWORD_HINT, "Au moins 10 caractères.", "At least 10 characters.")                           \
    X(ACC_NEW_PASSWORD, "Nouveau mot de passe", "New password")                                          \
    X(ACC_CURRENT_PASSWORD, "Mot de passe actuel", "Current password")                                   \
    X(ACC_STATUS, "Vous participez en tant que", "You take part as")                                     \
    X(ACC_STATUS_1, "Citoyen ou citoyenne", "Citizen")                                                   \
    X(ACC_STATUS_2, "Association", "Association")                                                        \
    X(ACC_STATUS_3, "Entreprise", "Company")                                                             \
    X(ACC_STATUS_4, "Organisme public", "Public body")                                                   \
    X(ACC_STATUS_5, "Organisation représentative", "Representative organisation")                        \
    X(ACC_ORG, "Nom de l'organisation (publié)", "Name of the organisation (published)")                 \
    X(ACC_ORG_HINT, "Obligatoire si vous ne participez pas en tant que citoyen.",                        \
      "Required unless you take part as a citizen.")                                                     \
    X(ACC_CHARTER, "J'ai lu et j'accepte la charte de participation.",                                   \
      "I have read and accept the participation charter.")                                               \
    X(ACC_REGISTER_SUBMIT, "Créer mon compte", "Create my account")                                      \
    X(ACC_REGISTER_SENT,                                                                                 \
      "Si ces informations sont valables, un message vient d'être envoyé à l'adresse indiquée. "     \
      "Suivez le lien qu'il contient pour activer votre compte.",                                        \
      "If these details are valid, a message has just been sent to the address you gave. "               \
      "Follow its link to activate your account.")                                                       \
    X(ACC_CONFIRM_TITLE, "Confirmer mon adresse", "Confirm my address")                                  \
    X(ACC_CONFIRM_TEXT, "Confirmez votre adresse pour activer votre compte.",                            \
      "Confirm your address to activate your account.")                                                  \
    X(ACC_CONFIRM_SUBMIT, "Activer mon compte", "Activate my account")                                   \
    X(ACC_CONFIRMED, "Votre compte est activé. Vous pouvez vous connecter.",                             \
      "Your account is active. You can log in.")                                                         \
    X(ACC_BAD_TOKEN, "Ce lien n'est pas valable ou a expiré.", "This link is invalid or expired.")       \
    X(ACC_LOGIN_TITLE, "Connexion", "Log in")                                                            \
    X(ACC_LOGIN_ID, "Identifiant ou adresse électronique", "Username or e-mail address")                 \
    X(ACC_LOGIN_SUBMIT, "Me connecter", "Log in")                                                        \
    X(ACC_LOGIN_FAILED, "Identifiant ou mot de passe incorrect.", "Wrong username or password.")         \
    X(ACC_LOGIN_UNCONFIRMED,                                                                             \
      "Ce compte n'est pas encore activé : suivez le lien du message de confirmation.",                  \
      "This account is not active yet: follow the link in the confirmation message.")                    \
    X(ACC_FORGOT_LINK, "Mot de passe oublié ?", "Forgot your password?")                                 \
    X(ACC_REGISTER_LINK, "Créer un compte", "Create an account")                                         \
    X(ACC_LOGOUT, "Me déconnecter", "Log out")                                                           \
    X(ACC_FORGOT_TITLE, "Mot de passe oublié", "Forgotten password")                                     \
    X(ACC_FORGOT_SUBMIT, "Recevoir un lien", "Send me a link")                                           \
    X(ACC_FORGOT_SENT,                                                                                   \
      "Si un compte correspond à cette adresse, un message avec un lien de réinitialisation "          \
      "vient d'y être envoyé.",                                                                          \
      "If an account matches this address, a message with a reset link has just been sent "              \
      "to it.")                                                                                          \
    X(ACC_RESET_TITLE, "Nouveau mot de passe", "New password")                                           \
    X(ACC_RESET_SUBMIT, "Enregistrer le mot de passe", "Save the password")                              \
    X(ACC_RESET_DONE, "Votre mot de passe est changé. Connectez-vous avec le nouveau.",                  \
      "Your password was changed. Log in with the new one.")                                             \
    X(ACC_ACCOUNT_TITLE, "Mon compte", "My account")                                                     \
    X(ACC_PSEUDONYM, "Votre pseudonyme public : %s", "Your public pseudonym: %s")                        \
    X(ACC_EMAIL_IS, "Adresse électronique : %s", "E-mail address: %s")                                   \
    X(ACC_CHANGE_USERNAME, "Changer d'identifiant", "Change username")                                   \
    X(ACC_CHANGE_STATUS, "Changer de statut déclaré", "Change declared status")                          \
    X(ACC_CHANGE_PASSWORD, "Changer de mot de passe", "Change password")                                 \
    X(ACC_SAVE, "Enregistrer", "Save")                                                                   \
    X(ACC_SAVED, "Modification enregistrée.", "Change saved.")                                           \
    X(ACC_PASSWORD_CHANGED, "Mot de passe changé : connectez-vous à nouveau.",                           \
      "Password changed: please log in again.")                                                          \
    X(ACC_YOUR_DATA, "Vos données", "Your data")                                                         \
    X(ACC_DOWNLOAD, "Télécharger mes données (JSON)", "Download my data (JSON)")                         \
    X(ACC_DELETE_LINK, "Supprimer mon compte", "Delete my account")                                      \
    X(ACC_DELETE_TITLE, "Supprimer mon compte", "Delete my account")                                     \
    X(ACC_DELETE_TEXT,                                                                                   \
      "Votre adresse, votre identifiant et votre mot de passe seront effacés. Vos "                     \
      "contributions et vos votes restent publiés, signés « anonyme ». Cette action est "            \
      "définitive.",                                                                                     \
      "Your address, username and password will be erased. Your contributions and votes stay "           \
      "published, signed \"anonymous\". This cannot be undone.")                                         \
    X(ACC_DELETE_CONFIRM, "Je confirme la suppression de mon compte.",                                   \
      "I confirm the deletion of my account.")                                                           \
    X(ACC_DELETE_SUBMIT, "Supprimer définitivement", "Delete for good")                                  \
    X(ACC_DELETED, "Votre compte est supprimé.", "Your account was deleted.")                            \
    X(ACC_ERRORS_INTRO, "Le formulaire contient une erreur :", "The form has an error:")                 \
    X(ACC_ERR_REQUIRED, "Ce champ est obligatoire.", "This field is required.")                          \
    X(ACC_ERR_TOO_LONG, "Ce champ est trop long.", "This field is too long.")                            \
    X(ACC_ERR_CONTROL, "Ce champ contient des caractères non autorisés.",                                \
      "This field contains characters that are not allowed.")                                            \
    X(ACC_ERR_UTF8, "Le formulaire contient un encodage invalide.",                                      \
      "The form contains invalid encoding.")                                                             \
    X(ACC_ERR_MALFORMED, "Le formulaire envoyé est mal formé.", "The form sent is malformed.")           \
    X(ACC_ERR_USERNAME, "Identifiant invalide : 3 à 32 lettres, chiffres, « _ », « - », « . ».",         \
      "Invalid username: 3 to 32 letters, digits, \"_\", \"-\", \".\".")                                 \
    X(ACC_ERR_USERNAME_TAKEN, "Cet identifiant est déjà pris.", "This username is taken.")               \
    X(ACC_ERR_EMAIL, "Adresse électronique invalide.", "Invalid e-mail address.")                        \
    X(ACC_ERR_PASSWORD, "Le mot de passe doit faire de 10 à 512 caractères.",                            \
      "The password must be 10 to 512 characters long.")                                                 \
    X(ACC_ERR_STATUS, "Choisissez un statut.", "Choose a status.")                                       \
    X(ACC_ERR_ORG, "Indiquez le nom de l'organisation.", "Give the name of the organisation.")           \
    X(ACC_ERR_CHARTER, "Vous devez accepter la charte.", "You must accept the charter.")                 \
    X(ACC_ERR_DELETE_CONFIRM, "Cochez la case pour confirmer.", "Tick the box to confirm.")              \
    X(ACC_ERR_CURRENT_PASSWORD, "Mot de passe actuel incorrect.", "Wrong current password.")             \
    X(ACC_ERR_CSRF,                                                                                      \
      "Le formulaire a expiré ou ne vient pas de ce site. Vérifiez et envoyez-le de nouveau.",           \
      "The form expired or did not come from this site. Check it and send it again.")                    \
    X(ACC_ERR_INTERNAL, "Une erreur interne est survenue. Réessayez.",                                   \
      "An internal error occurred. Please try again.")                                                   \
    X(ACC_RATE_TITLE, "Trop de tentatives", "Too many attempts")                                         \
    X(ACC_RATE_TEXT, "Vous avez fait trop de tentatives. Réessayez dans %u secondes.",                   \
      "You made too many attempts. Please try again in %u seconds.")                                     \
    X(ACC_MAIL_CONFIRM_SUBJECT, "Activez votre compte", "Activate your account")                         \
    X(ACC_MAIL_CONFIRM_BODY,                                                                             \
      "Bonjour,\n\nPour activer votre compte, ouvrez ce lien (valable 48 heures) :\n%s\n\n"              \
      "Si vous n'avez pas demandé de compte, ignorez ce message.\n",                                     \
      "Hello,\n\nTo activate your account, open this link (valid for 48 hours):\n%s\n\n"                 \
      "If you did not ask for an account, ignore this message.\n")                                       \
    X(ACC_MAIL_EXISTS_SUBJECT, "Vous avez déjà un compte", "You already have an account")                \
    X(ACC_MAIL_EXISTS_BODY,                                                                              \
      "Bonjour,\n\nQuelqu'un a demandé un compte avec cette adresse, mais vous en avez déjà un. "     \
      "Connectez-vous ici :\n%s\n\nMot de passe oublié ? Demandez un nouveau lien sur la page de "      \
      "connexion.\n",                                                                                    \
      "Hello,\n\nSomeone asked for an account with this address, but you already have one. "             \
      "Log in here:\n%s\n\nForgot your password? Ask for a new link on the login page.\n")               \
    X(ACC_MAIL_TAKEN_SUBJECT, "Identifiant indisponible", "Username not available")                      \
    X(ACC_MAIL_TAKEN_BODY,                                                                               \
      "Bonjour,\n\nL'identifiant choisi est déjà pris : aucun compte n'a été créé. Choisissez-en " \
      "un autre ici :\n%s\n",                                                                            \
      "Hello,\n\nThe username you chose is taken: no account was created. Choose another one "           \
      "here:\n%s\n")                                                                                     \
    X(ACC_MAIL_RESET_SUBJECT, "Réinitialiser votre mot de passe", "Reset your password")                 \
    X(ACC_MAIL_RESET_BODY,                                                                               \
      "Bonjour,\n\nPour choisir un nouveau mot de passe, ouvrez ce lien (valable 2 heures) :\n%s"        \
      "\n\nSi vous n'avez rien demandé, ignorez ce message.\n",                                          \
      "Hello,\n\nTo choose a new password, open this link (valid for 2 hours):\n%s\n\n"                  \
      "If you did not ask for anything, ignore this message.\n")                                         \
    X(ACC_CHANGE_EMAIL, "Changer d'adresse électronique", "Change e-mail address")                       \
    X(ACC_NEW_EMAIL, "Nouvelle adresse électronique", "New e-mail address")                              \
    X(ACC_NEW_EMAIL_HINT,                                                                                \
      "Un lien de confirmation sera envoyé à cette adresse ; votre adresse actuelle reste "            \
      "valable jusqu'à ce que vous le suiviez.",                                                         \
      "A confirmation link will be sent to this address; your current address stays in use "             \
      "until you follow it.")                                                                            \
    X(ACC_CHANGE_EMAIL_SUBMIT, "Recevoir un lien de confirmation", "Send me a confirmation link")        \
    X(ACC_EMAIL_CHANGE_SENT,                                                                             \
      "Si cette adresse peut être utilisée, un message avec un lien de confirmation vient d'y "        \
      "être envoyé. Votre adresse ne change qu'une fois ce lien suivi (valable 2 heures).",              \
      "If this address can be used, a message with a confirmation link has just been sent to it. "       \
      "Your address changes only once you follow that link (valid for 2 hours).")                        \
    X(ACC_EMAIL_CHANGED, "Votre adresse électronique est changée.",                                      \
      "Your e-mail address was changed.")                                                                \
    X(ACC_EMAIL_CONFIRM_TITLE, "Confirmer ma nouvelle adresse", "Confirm my new address")                \
    X(ACC_EMAIL_CONFIRM_TEXT, "Confirmez pour faire de cette adresse celle de votre compte.",            \
      "Confirm to make this address the one of your account.")                                           \
    X(ACC_EMAIL_CONFIRM_SUBMIT, "Confirmer la nouvelle adresse", "Confirm the new address")              \
    X(ACC_ERR_EMAIL_SAME, "C'est déjà l'adresse de votre compte.",                                       \
      "This is already the address of your account.")                                                    \
    X(ACC_ERR_EMAIL_TAKEN,                                                                               \
      "Cette adresse est entre-temps devenue celle d'un autre compte : votre adresse n'a pas été "     \
      "changée.",                                                                                        \
      "This address has meanwhile become the one of another account: your address was not "              \
      "changed.")                                                                                        \
    X(ACC_MAIL_EMAIL_CHANGE_SUBJECT, "Confirmez votre nouvelle adresse",                                 \
      "Confirm your new address")                                                                        \
    X(ACC_MAIL_EMAIL_CHANGE_BODY,                                                                        \
      "Bonjour,\n\nPour faire de cette adresse celle de votre compte, ouvrez ce lien (valable 2 "        \
      "heures) :\n%s\n\nSi vous n'avez rien demandé, ignorez ce message : rien ne changera.\n",          \
      "Hello,\n\nTo make this address the one of your account, open this link (valid for 2 "             \
      "hours):\n%s\n\nIf you did not ask for anything, ignore this message: nothing will "               \
      "change.\n")                                                                                       \
    X(ACC_MAIL_EMAIL_NOTICE_SUBJECT, "Changement d'adresse demandé",                                     \
      "Change of address requested")                                                                     \
    X(ACC_MAIL_EMAIL_NOTICE_BODY,                                                                        \
      "Bonjour,\n\nUn changement de l'adresse électronique de votre compte a été demandé. Il ne "    \
      "prendra effet que s'il est confirmé depuis la nouvelle adresse.\n\nSi vous n'avez rien "         \
      "demandé, quelqu'un connaît peut-être votre mot de passe : changez-le ici :\n%s\n",                \
      "Hello,\n\nA change of the e-mail address of your account was requested. It takes effect "         \
      "only once confirmed from the new address.\n\nIf you did not ask for it, someone may know "        \
      "your password: change it here:\n%s\n")                                                            \
    X(ACC_MAIL_EMAIL_EXISTS_SUBJECT, "Cette adresse a déjà un compte",                                   \
      "This address already has an account")                                                             \
    X(ACC_MAIL_EMAIL_EXISTS_BODY,                                                                        \
      "Bonjour,\n\nQuelqu'un a demandé à utiliser cette adresse pour un autre compte, mais elle "      \
      "est déjà celle d'un compte : rien n'a changé. Connectez-vous ici :\n%s\n",                        \
      "Hello,\n\nSomeone asked to use this address for another account, but it already belongs "         \
      "to an account: nothing changed. Log in here:\n%s\n")

#endif
