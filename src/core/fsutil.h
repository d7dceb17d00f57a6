/*
 * File-system helpers for the state files (log, chain history, order
 * journal): private parent directories and durable names.
 */
#ifndef TD_FSUTIL_H
#define TD_FSUTIL_H

/* Create the missing directories leading to path (not path itself), mode 0700.  0, or -1 with errno. */
int td_fs_make_parents(const char *path);

/* fsync the directory holding path, so a name just created or renamed in it survives a crash.  0, or -1 with errno. */
int td_fs_sync_parent(const char *path);

#endif
