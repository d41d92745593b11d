#ifndef C_SWITCHBOARD_SPAWN_H
#define C_SWITCHBOARD_SPAWN_H

#include <spawn.h>

/// Adds file actions to `actions` that close, in the child, every descriptor from `lowest` up,
/// so a spawned server inherits nothing but what the later actions give it. Returns 0 or an
/// errno value.
///
/// Needed because SwiftNIO opens sockets without close-on-exec: without this, a stdio server
/// would hold copies of the gateway's listening socket and client connections, keeping them
/// open after the gateway closed them and able to read and write them.
int switchboard_spawn_close_inherited(posix_spawn_file_actions_t *actions, int lowest);

#endif
