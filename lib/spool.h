/*
 * The spool of mr-netd (--spool DIR): jobs and data sets on disk, so that
 * they survive a crash. DIR/next-id holds the next job id; DIR/jobs/ID.spec,
 * .in, .out and .res a job's spec, data, result and final state (a job
 * exists once its spec does, and is finished once its .res does);
 * DIR/data/NAME a data set; DIR/tmp/ what is being received. Every file
 * that must be whole is written by spool_write_durable: write, fsync,
 * rename, then the caller syncs the directory. Nothing here exits or
 * logs: each function returns -1 with errno, the caller says what failed.
 *
 * 1. spool_create makes the directories; spool_lock takes DIR/lock, so
 *    that one daemon only uses DIR (after daemon(3), spool_lock_update
 *    writes the new pid in it); spool_clear_tmp empties tmp/ (the half
 *    received data of a crashed daemon).
 * 2. spool_recover reads next-id and hands every job found to the
 *    caller's function, in no particular order; then spool_datasets hands
 *    it every data set's name.
 * 3. While serving: spool_path names a job's file, spool_open creates a
 *    file, spool_write_durable and spool_sync write one, spool_save_nextid,
 *    spool_save_output and spool_save_result record progress, and
 *    spool_delete_job removes a job's files.
 *
 * Without --spool, mr-netd keeps the same layout, without next-id, .spec
 * and .res and without fsync, in a private directory: spool_private makes
 * TMPDIR/mr-netd.XXXXXX (after removing those of ours that no daemon
 * holds any more), locked as above; spool_remove deletes it at exit.
 */
#ifndef MR_SPOOL_H
#define MR_SPOOL_H

#include <stddef.h>
#include <stdint.h>

/* A job found by spool_recover; the caller owns spec, in and why. */
struct spool_job {
	uint32_t	 id;
	char		*spec;		/* NUL-terminated */
	int		 in;		/* its data, or -1: cannot be opened */
	int		 finished;	/* it has a .res: */
	int		 state;		/* the state it ended in */
	char		*why;		/* its reason, or NULL */
};

/* On error, path names what failed. */
int	spool_create(const char *dir, char *path, size_t n);
/* The lock's descriptor; -1 with errno, EWOULDBLOCK: *owner holds it. */
int	spool_lock(const char *dir, long *owner);
int	spool_lock_update(int lockfd);
void	spool_clear_tmp(const char *dir);
/* Makes dir (of size n) under tmpdir, and its lock in *lockfd. */
int	spool_private(const char *tmpdir, char *dir, size_t n, int *lockfd);
void	spool_remove(const char *dir);
int	spool_recover(const char *dir, uint32_t *nextid,
	    void (*found)(struct spool_job *, void *), void *arg);
int	spool_datasets(const char *dir, void (*found)(const char *, void *),
	    void *arg);

/* DIR/jobs/ID.EXT */
void	spool_path(const char *dir, char *buf, size_t n, uint32_t id,
	    const char *ext);
/* DIR/NAME, created empty for reading and writing. */
int	spool_open(const char *dir, const char *name);
int	spool_write_durable(const char *path, const void *, size_t);
/* fsync the directory DIR/SUB (SUB may be ""). */
void	spool_sync(const char *dir, const char *sub);
int	spool_save_nextid(const char *dir, uint32_t);
/* A job done: its result from .out.tmp to .out, fsync'd if outfd != -1. */
int	spool_save_output(const char *dir, uint32_t id, int outfd);
/* A job finished: its .res, after spool_save_output if it is done. */
int	spool_save_result(const char *dir, uint32_t id, int state,
	    const char *why);
void	spool_delete_job(const char *dir, uint32_t id);

#endif
