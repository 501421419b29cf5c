/*
 * mr-par: run a filter once per chunk of records, N at a time. Runs of
 * equal keys are never split; each chunk's output is emitted whole after
 * its instance exits 0; a failed instance's chunk is retried on a fresh
 * one. A chunk and an instance's output live in unlinked temporary files
 * (the page cache): an instance reads a file and writes a file, so it can
 * never deadlock on a pipe whatever it writes, and mr-par's own memory is a
 * constant. One poll(2) loop reads the input and reaps instances through a
 * signalfd.
 */
#include <bsd/stdlib.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "child.h"
#include "cli.h"
#include "fdio.h"
#include "out.h"
#include "spill.h"
#include "xmalloc.h"

static const char synopsis[] =
    "mr-par [-kz] [-j N] [-b SIZE] [--retries N] [--keep-going]\n"
    "              [--failed FILE] [--joblog FILE] [--progress] [-T DIR]\n"
    "              COMMAND [ARG...]";
static const char options[] =
    "  -b, --block=SIZE       runs of equal keys are coalesced into chunks of\n"
    "                         at least SIZE bytes (default 4M; 1: a chunk per run)\n"
    "      --failed=FILE      write the records of chunks that failed to FILE\n"
    "  -j, --jobs=N           run N instances at a time (default: online CPUs)\n"
    "      --joblog=FILE      one line per attempt: chunk, attempt, start, time,\n"
    "                         bytes in, bytes out, exit status, signal\n"
    "  -k, --keep-order       emit outputs in input order\n"
    "      --keep-going       go on after a chunk failed for good; exit 1 at the end\n"
    "      --progress         report progress on stderr\n"
    "      --retries=N        retry a failed chunk N times (default 2)\n"
    "  -T, --temporary-directory=DIR  spill files go to DIR\n"
    "  -z, --null             records end with NUL, not newline\n"
    "  -h, --help             show this help\n"
    "      --version          show the version\n";

enum { OPT_FAILED = 256, OPT_JOBLOG, OPT_KEEPGOING, OPT_PROGRESS, OPT_RETRIES };

static const struct option longopts[] = {
	{ "block",	required_argument,	NULL, 'b' },
	{ "failed",	required_argument,	NULL, OPT_FAILED },
	{ "help",	no_argument,		NULL, 'h' },
	{ "jobs",	required_argument,	NULL, 'j' },
	{ "joblog",	required_argument,	NULL, OPT_JOBLOG },
	{ "keep-going",	no_argument,		NULL, OPT_KEEPGOING },
	{ "keep-order",	no_argument,		NULL, 'k' },
	{ "null",	no_argument,		NULL, 'z' },
	{ "progress",	no_argument,		NULL, OPT_PROGRESS },
	{ "retries",	required_argument,	NULL, OPT_RETRIES },
	{ "temporary-directory", required_argument, NULL, 'T' },
	{ "version",	no_argument,		NULL, 'V' },
	{ NULL,		0,			NULL, 0 }
};

#define READSZ		(256 * 1024)
#define WBUFSZ		(256 * 1024)
#define COPYSZ		(256 * 1024)
#define TICK_TTY	200	/* ms between progress redraws on a terminal */
#define TICK_LOG	5000	/* ms between progress lines otherwise */

struct chunk {
	unsigned long long	 no;
	unsigned long long	 rec0, nrec;	/* first record (1-based), count */
	unsigned long long	 size;		/* bytes */
	int			 attempt;	/* attempts started */
	struct out		 w;		/* its temporary file */
	struct chunk		*next;
};

/* A running instance, or a finished output waiting for its turn (-k). */
struct slot {
	struct chunk		*c;
	struct child		 ch;
	int			 outfd;		/* its stdout: a temporary file */
	unsigned long long	 outlen;
	double			 start;
	int			 busy, waiting, failed;
};

static char		 delim = '\n';
static int		 njobs, kflag, keepgoing, progress, retries = 2;
static size_t		 block = 4 * 1024 * 1024;
static const char	*tmpdir;
static char		*cmdline;		/* COMMAND ARG... for messages */
static struct buf	 cmdbuf;
static char	       **cmdargv, **cmdenv;
static char		 envchunk[32] = "MR_CHUNK=", envattempt[32] = "MR_ATTEMPT=";
static FILE		*joblog;
static int		 failfd = -1;
static const char	*failname;

static struct slot	*slots;		/* running and (-k) waiting */
static int		 nslots;
static struct chunk	*ready, **readytail = &ready, *spare;
static struct chunk	*building;
static struct buf	 inbuf, lastkey;
static size_t		 inpos;
static int		 ineof, stopping, anyfailed, sigfd;
static unsigned long long nchunks, nrecords, nready, ndone, nemitted;
static unsigned long long bytesin, bytesout, recsout, insize;
static double		 t0;
static int		 istty;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* On any exit through err(): no instance outlives mr-par. */
static void
cleanup(void)
{
	child_kill_all();
}

static void
push_ready(struct chunk *c, int front)
{
	c->next = NULL;
	if (front) {
		c->next = ready;
		ready = c;
		if (readytail == &ready)
			readytail = &c->next;
	} else {
		*readytail = c;
		readytail = &c->next;
	}
	nready++;
}

static struct chunk *
pop_ready(void)
{
	struct chunk *c = ready;

	if ((ready = c->next) == NULL)
		readytail = &ready;
	nready--;
	return c;
}

/* Chunks and their files are recycled. */
static struct chunk *
new_chunk(void)
{
	struct chunk *c = spare;

	if (c != NULL)
		spare = c->next;
	else {
		c = xcalloc(1, sizeof(*c));
		if (spill_open(&c->w, tmpdir, WBUFSZ) == -1)
			err(1, "cannot create temporary file in '%s'", tmpdir);
	}
	c->no = nchunks++;
	c->rec0 = nrecords + 1;
	c->nrec = c->size = 0;
	c->attempt = 0;
	c->next = NULL;
	return c;
}

static void
free_chunk(struct chunk *c)
{
	c->w.len = 0;
	if (ftruncate(c->w.fd, 0) == -1 || lseek(c->w.fd, 0, SEEK_SET) == -1)
		err(1, "%s", c->w.what);
	c->next = spare;
	spare = c;
}

static void
close_building(void)
{
	if (building != NULL) {
		out_flush(&building->w);
		push_ready(building, 0);
		building = NULL;
	}
}

static void
add_record(const char *line, size_t len)
{
	const char *tab = memchr(line, '\t', len);
	size_t klen = tab ? (size_t)(tab - line) : len;
	int same = klen == lastkey.len && memcmp(line, lastkey.p, klen) == 0;

	if (building != NULL && !same && building->size >= block)
		close_building();
	if (building == NULL)
		building = new_chunk();
	out_add(&building->w, line, len);
	out_addc(&building->w, delim);
	building->size += len + 1;
	building->nrec++;
	nrecords++;
	if (!same) {
		buf_clear(&lastkey);
		buf_add(&lastkey, line, klen);
	}
}

static void
write_fd(int fd, const char *p, size_t n, const char *name)
{
	if (fdio_write_all(fd, p, n) == -1)
		err(1, "cannot write '%s'", name);
}

/* Copy n bytes of file fd from offset 0 to stdout or another file. */
static void
copy_file(int fd, unsigned long long n, int to, const char *name)
{
	static char *tmp;
	off_t off = 0;
	ssize_t w, r;

	while ((unsigned long long)off < n) {
		w = sendfile(to, fd, &off, n - off);
		if (w > 0)
			continue;
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1 && (errno == EINVAL || errno == ENOSYS))
			break;
		if (w == -1 && errno == EPIPE && to == 1) {
			out_dying();
			signal(SIGPIPE, SIG_DFL);
			raise(SIGPIPE);
		}
		if (w == -1)
			err(1, "%s", to == 1 ? "write error" : name);
		errx(1, "temporary file shorter than expected");
	}
	/* sendfile cannot write to this file (O_APPEND): copy by hand. */
	if (tmp == NULL)
		tmp = xmalloc(COPYSZ);
	while ((unsigned long long)off < n) {
		r = pread(fd, tmp, n - off < COPYSZ ? n - off : COPYSZ, off);
		if (r <= 0)
			err(1, "cannot read temporary file in '%s'", tmpdir);
		if (to == 1)
			out_add(&out_std, tmp, r);
		else
			write_fd(to, tmp, r, name);
		off += r;
	}
	if (to == 1)
		out_flush(&out_std);
}

/* With --failed: the records of a chunk that produced no output. */
static void
save_failed(struct chunk *c)
{
	if (failfd != -1)
		copy_file(c->w.fd, c->size, failfd, failname);
}

/*
 * After a stop, once no instance runs any more (so no failed chunk can be
 * written in between): what was read but not chunked, and then the rest of
 * stdin, go to --failed as they are. Nothing is lost.
 */
static void
copy_rest(void)
{
	ssize_t n;

	if (inpos < inbuf.len)
		write_fd(failfd, inbuf.p + inpos, inbuf.len - inpos, failname);
	inpos = inbuf.len = 0;
	buf_grow(&inbuf, READSZ);
	n = read(0, inbuf.p, inbuf.cap);
	if (n == -1) {
		if (errno == EINTR || errno == EAGAIN)
			return;
		err(1, "cannot read 'stdin'");
	}
	if (n == 0)
		ineof = 1;
	else
		write_fd(failfd, inbuf.p, n, failname);
}

/* One read of stdin (poll said it would not block), split into records. */
static void
read_input(void)
{
	char *nl;
	ssize_t n;

	if (stopping) {
		copy_rest();
		return;
	}
	if (inbuf.cap - inbuf.len < READSZ) {
		if (inpos > 0) {
			memmove(inbuf.p, inbuf.p + inpos, inbuf.len - inpos);
			inbuf.len -= inpos;
			inpos = 0;
		}
		buf_grow(&inbuf, READSZ);
	}
	n = read(0, inbuf.p + inbuf.len, inbuf.cap - inbuf.len);
	if (n == -1) {
		if (errno == EINTR || errno == EAGAIN)
			return;
		err(1, "cannot read 'stdin'");
	}
	bytesin += n;
	inbuf.len += n;
	while ((nl = memchr(inbuf.p + inpos, delim, inbuf.len - inpos)) != NULL) {
		add_record(inbuf.p + inpos, nl - (inbuf.p + inpos));
		inpos = nl - inbuf.p + 1;
	}
	if (n == 0) {
		if (inpos < inbuf.len)
			add_record(inbuf.p + inpos, inbuf.len - inpos);
		inpos = inbuf.len = 0;
		ineof = 1;
		close_building();
	}
}

static void
fail_start(struct chunk *c, int e)
{
	cleanup();
	errno = e;
	warn("cannot run '%s'", cmdargv[0]);
	(void)c;
	exit(e == ENOENT ? 127 : 126);
}

static void
start(struct slot *s, struct chunk *c)
{
	struct child_cmd cmd = { cmdargv, cmdenv, { c->w.fd, -1, -1 }, 0 };
	int e;

	c->attempt++;
	snprintf(envchunk, sizeof(envchunk), "MR_CHUNK=%llu", c->no);
	snprintf(envattempt, sizeof(envattempt), "MR_ATTEMPT=%d", c->attempt);
	s->c = c;
	s->busy = 1;
	s->start = now();
	if (s->outfd == -1 && (s->outfd = spill_fd(tmpdir)) == -1)
		err(1, "cannot create temporary file in '%s'", tmpdir);
	/* The instance shares these offsets: both start at 0. */
	if (lseek(c->w.fd, 0, SEEK_SET) == -1 || ftruncate(s->outfd, 0) == -1 ||
	    lseek(s->outfd, 0, SEEK_SET) == -1)
		err(1, "cannot reset temporary files in '%s'", tmpdir);
	cmd.fd[1] = s->outfd;
	if ((e = child_start(&s->ch, &cmd)) != 0)
		fail_start(c, e);
}

static struct slot *
free_slot(void)
{
	int i;

	for (i = 0; i < nslots; i++)
		if (!slots[i].busy && !slots[i].waiting)
			return &slots[i];
	return NULL;
}

static int
running(void)
{
	int i, n = 0;

	for (i = 0; i < nslots; i++)
		n += slots[i].busy;
	return n;
}

static void
start_ready(void)
{
	struct slot *s;

	while (ready != NULL && !stopping && running() < njobs &&
	    (s = free_slot()) != NULL)
		start(s, pop_ready());
}

/* Records in an output, for --progress only: it costs a read. */
static unsigned long long
count_records(struct slot *s)
{
	static char *tmp;
	unsigned long long n = 0, off = 0;
	ssize_t r;
	char *p;

	if (tmp == NULL)
		tmp = xmalloc(COPYSZ);
	while (off < s->outlen && (r = pread(s->outfd, tmp, COPYSZ, off)) > 0) {
		for (p = tmp; (p = memchr(p, delim, tmp + r - p)) != NULL; p++)
			n++;
		off += r;
	}
	return n;
}

static void
emit(struct slot *s)
{
	out_flush(&out_std);
	copy_file(s->outfd, s->outlen, 1, NULL);
	bytesout += s->outlen;
	if (progress)
		recsout += count_records(s);
}

static void
release(struct slot *s)
{
	free_chunk(s->c);
	s->c = NULL;
	s->busy = s->waiting = s->failed = 0;
}

/* With -k: emit waiting outputs that are next in input order. */
static void
emit_in_order(void)
{
	int i, found;

	do {
		found = 0;
		for (i = 0; i < nslots; i++) {
			struct slot *s = &slots[i];
			if (!s->waiting || s->c->no != nemitted)
				continue;
			if (!s->failed)
				emit(s);
			nemitted++;
			release(s);
			found = 1;
		}
	} while (found);
}

/*
 * After a stop, chunks that were never run leave gaps in the order: emit
 * what is still waiting, lowest chunk first.
 */
static void
emit_rest(void)
{
	struct slot *min;
	int i;

	do {
		min = NULL;
		for (i = 0; i < nslots; i++)
			if (slots[i].waiting &&
			    (min == NULL || slots[i].c->no < min->c->no))
				min = &slots[i];
		if (min != NULL) {
			nemitted = min->c->no;
			emit_in_order();
		}
	} while (min != NULL);
}

static void
log_attempt(struct slot *s)
{
	int st = s->ch.status;

	if (joblog == NULL)
		return;
	fprintf(joblog, "%llu\t%d\t%.3f\t%.3f\t%llu\t%llu\t%d\t%d\n",
	    s->c->no, s->c->attempt, s->start, now() - s->start, s->c->size,
	    s->outlen, child_exitcode(st), WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	fflush(joblog);
}

static void
finish(struct slot *s)
{
	struct chunk *c = s->c;
	char why[64];
	int st = s->ch.status;

	struct stat sb;
	char last;

	if (fstat(s->outfd, &sb) == -1)
		err(1, "cannot read temporary file in '%s'", tmpdir);
	s->outlen = sb.st_size;
	log_attempt(s);
	s->busy = 0;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		ndone++;
		/* A last record without terminator is still a record. */
		if (s->outlen > 0 && (pread(s->outfd, &last, 1, s->outlen - 1)
		    != 1 || last != delim)) {
			write_fd(s->outfd, &delim, 1, "temporary file");
			s->outlen++;
		}
		if (!kflag) {
			emit(s);
			release(s);
		} else {
			s->waiting = 1;
			emit_in_order();
		}
		return;
	}
	if (c->attempt <= retries && !stopping) {
		s->c = NULL;
		push_ready(c, 1);
		return;
	}
	child_describe(st, why, sizeof(why));
	warnx("chunk %llu (records %llu-%llu): '%s' %s after %d attempt%s",
	    c->no, c->rec0, c->rec0 + c->nrec - 1, cmdline, why, c->attempt,
	    c->attempt == 1 ? "" : "s");
	anyfailed = 1;
	save_failed(c);
	if (!keepgoing && !stopping) {
		stopping = 1;
		/* The chunks not run yet and the unread input go to --failed. */
		while (ready != NULL) {
			struct chunk *r = pop_ready();
			save_failed(r);
			free_chunk(r);
		}
		if (building != NULL) {
			out_flush(&building->w);
			save_failed(building);
			free_chunk(building);
			building = NULL;
		}
		if (failfd == -1)
			ineof = 1;
	}
	if (kflag) {
		s->waiting = s->failed = 1;
		emit_in_order();
	} else
		release(s);
}

/* Ended instances are finished by the loop, in slot order. */
static void
reaped(struct child *c, void *arg)
{
	(void)c;
	(void)arg;
}

static void
show_progress(int final)
{
	double el = now() - t0, rate = el > 0 ? bytesin / el / 1048576 : 0;
	char eta[64] = "";

	if (insize > 0 && bytesin > 0) {
		double f = (double)bytesin / insize;
		snprintf(eta, sizeof(eta), "; %.0f%% ETA %.0fs", f * 100,
		    f < 1 ? el * (1 - f) / f : 0.0);
	}
	fprintf(stderr, "%smr-par: chunks %llu done, %d running, %llu read; "
	    "records %llu in, %llu out; %.1f MiB in, %.1f MiB out; "
	    "%.1f MiB/s%s%s", istty ? "\r" : "", ndone, running(), nchunks,
	    nrecords, recsout, bytesin / 1048576.0, bytesout / 1048576.0, rate,
	    eta, istty ? (final ? "\033[K\n" : "\033[K") : "\n");
}

static void
on_signal(void)
{
	struct signalfd_siginfo si;
	sigset_t set;

	while (read(sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD) {
			child_reap(reaped, NULL);
			continue;
		}
		cleanup();
		if (progress && istty)
			fputc('\n', stderr);
		signal(si.ssi_signo, SIG_DFL);
		sigemptyset(&set);
		sigprocmask(SIG_SETMASK, &set, NULL);
		raise(si.ssi_signo);
		_exit(128 + si.ssi_signo);
	}
}

static void
loop(void)
{
	struct pollfd pfd[2];
	double lastshow = now();
	int n, i, tick = istty ? TICK_TTY : TICK_LOG;

	for (;;) {
		start_ready();
		if (ineof && ready == NULL && building == NULL && running() == 0)
			break;
		n = 0;
		pfd[n].fd = sigfd;
		pfd[n++].events = POLLIN;
		/* Read on only while no chunk waits for a slot. */
		if (!ineof && (stopping ? running() == 0 : nready == 0)) {
			pfd[n].fd = 0;
			pfd[n++].events = POLLIN;
		}
		if (poll(pfd, n, progress ? tick : -1) == -1 && errno != EINTR)
			err(1, "poll");
		if (pfd[0].revents)
			on_signal();
		if (n > 1 && pfd[1].revents)
			read_input();
		for (i = 0; i < nslots; i++)
			if (slots[i].busy && !slots[i].ch.running)
				finish(&slots[i]);
		if (progress && (now() - lastshow) * 1000 >= tick) {
			show_progress(0);
			lastshow = now();
		}
	}
}

int
main(int argc, char *argv[])
{
	const char *joblogname = NULL;
	struct chunk *c;
	struct stat st;
	long n;
	int ch, i;

	cli_init(synopsis, options);
	while ((ch = getopt_long(argc, argv, "+b:hj:kT:z", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'b':
			block = cli_size(optarg, 1, 1LL << 40, "block size");
			break;
		case 'h':
			cli_usage(0);
		case 'j':
			njobs = cli_num(optarg, 1, 1024, "job count");
			break;
		case 'k':
			kflag = 1;
			break;
		case 'T':
			tmpdir = optarg;
			break;
		case 'V':
			cli_version();
		case 'z':
			delim = '\0';
			break;
		case OPT_FAILED:
			failname = optarg;
			break;
		case OPT_JOBLOG:
			joblogname = optarg;
			break;
		case OPT_KEEPGOING:
			keepgoing = 1;
			break;
		case OPT_PROGRESS:
			progress = 1;
			break;
		case OPT_RETRIES:
			retries = cli_num(optarg, 0, 1000, "retry count");
			break;
		default:
			cli_usage(2);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		cli_misuse("no command given");
	cmdargv = argv;
	cmdenv = child_env((char *[]){ envchunk, envattempt, NULL });
	buf_addargv(&cmdbuf, argv);
	buf_addc(&cmdbuf, '\0');
	cmdline = cmdbuf.p;
	if (njobs == 0)
		njobs = (n = sysconf(_SC_NPROCESSORS_ONLN)) > 0 ? n : 1;
	tmpdir = spill_dir(tmpdir);
	if (joblogname != NULL) {
		if ((joblog = fopen(joblogname, "we")) == NULL)
			err(1, "cannot open '%s'", joblogname);
		fputs("chunk\tattempt\tstart\truntime\tbytes_in\tbytes_out\t"
		    "exit\tsignal\n", joblog);
	}
	if (failname != NULL && (failfd = open(failname,
	    O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) == -1)
		err(1, "cannot open '%s'", failname);
	if (fstat(0, &st) == 0 && S_ISREG(st.st_mode))
		insize = st.st_size - lseek(0, 0, SEEK_CUR);
	istty = isatty(2);

	nslots = kflag ? 2 * njobs : njobs;
	slots = xcalloc(nslots, sizeof(*slots));
	for (i = 0; i < nslots; i++)
		slots[i].outfd = -1;
	sigfd = child_setup();
	atexit(cleanup);
	out_dying = cleanup;
	out_stdout();
	t0 = now();
	loop();
	emit_rest();
	if (progress)
		show_progress(1);
	out_close(&out_std);
	if (joblog != NULL && fclose(joblog) == EOF)
		err(1, "cannot write '%s'", joblogname);
	if (failfd != -1 && close(failfd) == -1)
		err(1, "cannot write '%s'", failname);
	for (i = 0; i < nslots; i++)
		if (slots[i].outfd != -1)
			close(slots[i].outfd);
	while ((c = spare) != NULL) {
		spare = c->next;
		close(c->w.fd);
		free(c->w.buf);
		free((char *)c->w.what);
		free(c);
	}
	buf_free(&inbuf);
	buf_free(&lastkey);
	free(cmdline);
	free(cmdenv);
	free(slots);
	slots = NULL;
	nslots = 0;
	return anyfailed ? 1 : 0;
}
