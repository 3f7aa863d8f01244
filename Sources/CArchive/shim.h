#ifndef FOLIO_CARCHIVE_SHIM_H
#define FOLIO_CARCHIVE_SHIM_H
#include <archive.h>
#include <archive_entry.h>
#include <locale.h>

// AE_IFREG/AE_IFDIR are macros with a cast that Swift cannot import, and S_IFREG is ambiguous
// between this module and Glibc: keep plain copies here.
static const unsigned int FOLIO_AE_IFREG = 0100000;
static const unsigned int FOLIO_AE_IFDIR = 0040000;
static const unsigned int FOLIO_AE_IFLNK = 0120000;
static const unsigned int FOLIO_AE_IFMT = 0170000;

// syncfs(2) is a GNU extension that Swift's Glibc module leaves out; folio flushes a whole transaction
// with it instead of an fsync per file.
extern int syncfs(int fd);
static inline int folio_syncfs(int fd) { return syncfs(fd); }

// sync_file_range(2) with SYNC_FILE_RANGE_WRITE (2), also GNU-only: starts writing a range of a file out
// without waiting for it, so that the disk works while folio goes on producing the rest.
// Declared as glibc declares it (off64_t offsets), so that it never conflicts with <fcntl.h> under _GNU_SOURCE.
extern int sync_file_range(int fd, __off64_t offset, __off64_t nbytes, unsigned int flags);
static inline int folio_start_writeback(int fd, long long offset, long long nbytes) {
    return sync_file_range(fd, offset, nbytes, 2);
}
#endif
