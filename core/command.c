/* command.c - command constructors. */
#include "command.h"

#include <string.h>

void cc_command_init(cc_command *cmd, cc_command_kind kind)
{
    memset(cmd, 0, sizeof *cmd);
    cmd->kind = kind;
    cmd->result.field = CC_F_COUNT_;
    cmd->result.body_field = -1;
}

void cc_command_event(cc_command *cmd, cc_event_type type, const cc_pseudonym *by)
{
    cc_command_init(cmd, CC_CMD_EVENT);
    cc_event_init(&cmd->event, type);
    cmd->event.by = *by;
}

void cc_command_body(cc_command *cmd, cc_body_field f, const char *text)
{
    cmd->body.f[f].ptr = (const uint8_t *)text;
    cmd->body.f[f].len = strlen(text);
    cmd->has_body = 1;
}
