/* File-system helpers: see fsutil.h. */
#include "core/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/text.h"

int td_fs_make_parents(const char *path)
{
	char dir[PATH_MAX];
	if (td_strlcpy(dir, path, sizeof dir) >= sizeof dir)
		return errno = ENAMETOOLONG, -1;
	for (char *p = dir + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return 0;
}

int td_fs_sync_parent(const char *path)
{
	char dir[PATH_MAX];
	if (td_strlcpy(dir, path, sizeof dir) >= sizeof dir)
		return errno = ENAMETOOLONG, -1;
	char *slash = strrchr(dir, '/');
	if (!slash)
		td_strlcpy(dir, ".", sizeof dir);
	else
		slash[slash == dir] = '\0';  /* keep "/" for a file in the root */
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	int e = errno;
	close(fd);
	errno = e;
	return rc;
}
