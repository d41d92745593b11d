// glibc declares posix_spawn_file_actions_addclosefrom_np only under _GNU_SOURCE, which Swift's
// view of the C library does not set; this file is the one place that sees it.
#define _GNU_SOURCE
#include "CSwitchboardSpawn.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>

#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
#define SWITCHBOARD_HAS_ADDCLOSEFROM 1
#endif

int switchboard_spawn_close_inherited(posix_spawn_file_actions_t *actions, int lowest) {
#if defined(SWITCHBOARD_HAS_ADDCLOSEFROM)
    return posix_spawn_file_actions_addclosefrom_np(actions, lowest);
#elif defined(__APPLE__)
    // Darwin closes them through the spawn attribute POSIX_SPAWN_CLOEXEC_DEFAULT instead.
    (void)actions;
    (void)lowest;
    return 0;
#else
    // Other C libraries: one close action per descriptor open now. A descriptor another thread
    // closes before the spawn is skipped by the child (EBADF on a close action is ignored).
    DIR *directory = opendir("/proc/self/fd");
    if (directory == NULL) return errno;
    int own = dirfd(directory);
    int result = 0;
    struct dirent *entry;
    while (result == 0 && (entry = readdir(directory)) != NULL) {
        char *end;
        long fd = strtol(entry->d_name, &end, 10);
        if (*end != '\0' || end == entry->d_name || fd < lowest || fd == own) continue;
        result = posix_spawn_file_actions_addclose(actions, (int)fd);
    }
    closedir(directory);
    return result;
#endif
}
