/*
 * mr-par: run a filter once per chunk of records, N at a time, through
 * the engine in lib/par.c. This file reads the options, opens the job
 * log and the --failed file, and shows progress and failures.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "child.h"
#include "cli.h"
#include "clock.h"
#include "hosts.h"
#include "par.h"
#include "progress.h"
#include "shword.h"
#include "spill.h"

static const char synopsis[] =
    "mr-par [-kz] [-j N] [-b SIZE] [--retries N] [--keep-going]\n"
    "              [--failed FILE] [--joblog FILE] [--progress] [-T DIR]\n"
    "              [-S HOSTS] [--ssh CMD] [--launcher PREFIX]\n"
    "              COMMAND [ARG...]";

static struct par	 par;
static struct hosts	 hosts;
static struct buf	 cmdline;	/* COMMAND ARG... for messages */
static FILE		*joblog;
static unsigned long long insize;	/* of a regular file on stdin */
static double		 t0;
static int		 sflag;
static struct progress	 prog;
static const char	*lists[64];	/* -S HOSTS */
static int		 nlists;

static void
log_attempt(void *arg, const struct par_attempt *a)
{
	int st = a->status;

	(void)arg;
	fprintf(joblog, "%llu\t%d\t%.3f\t%.3f\t%llu\t%llu\t%d\t%d\t%s\n",
	    a->chunk, a->attempt, a->start, a->runtime, a->bytes_in,
	    a->bytes_out, child_exitcode(st), WIFSIGNALED(st) ? WTERMSIG(st) : 0,
	    a->host);
	fflush(joblog);
}

static void
warn_giveup(void *arg, const struct par_giveup *g)
{
	char why[64];

	(void)arg;
	warnx("chunk %llu (records %llu-%llu): '%s' %s after %d attempt%s",
	    g->chunk, g->first, g->last, cmdline.p,
	    child_describe(g->status, why, sizeof(why)), g->attempts,
	    g->attempts == 1 ? "" : "s");
}

static void
show_progress(const struct par_stats *st, int final)
{
	double el = clock_mono() - t0;
	double rate = el > 0 ? st->bytes_in / el / 1048576 : 0;
	struct buf hostsbuf = BUF_INIT;
	char eta[64] = "", one[320];
	double f;
	int i;

	if (insize > 0 && st->bytes_in > 0) {
		f = (double)st->bytes_in / insize;
		snprintf(eta, sizeof(eta), "; %.0f%% ETA %.0fs", f * 100,
		    f < 1 ? el * (1 - f) / f : 0.0);
	}
	/* With -S, each host: attempts done and failed, instances running. */
	for (i = 0; sflag && i < hosts.n; i++)
		buf_add(&hostsbuf, one, snprintf(one, sizeof(one),
		    "%s %.256s %llu/%llu/%d", i == 0 ? ";" : ",",
		    hosts_name(&hosts, i), hosts.h[i].done, hosts.h[i].failed,
		    hosts.h[i].running));
	progress_line(&prog, final, "mr-par: chunks %llu done, %d running, "
	    "%llu read; records %llu in, %llu out; %.1f MiB in, %.1f MiB out; "
	    "%.1f MiB/s%s%.*s", st->done, st->running, st->chunks,
	    st->records, st->records_out, st->bytes_in / 1048576.0,
	    st->bytes_out / 1048576.0, rate, eta, (int)hostsbuf.len,
	    hostsbuf.p ? hostsbuf.p : "");
	buf_free(&hostsbuf);
}

static void
tick(void *arg, const struct par_stats *st)
{
	(void)arg;
	show_progress(st, 0);
}

static void
add_hosts(const char *arg)
{
	if (nlists == 64)
		cli_misuse("more than 64 -S options");
	lists[nlists++] = arg;
}

/* No instance outlives mr-par, whichever way it ends. */
static void
cleanup(void)
{
	child_kill_all();
}

static void
die_of(int sig)
{
	sigset_t none;

	cleanup();
	if (par.tick > 0 && prog.tty)
		fputc('\n', stderr);
	signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	raise(sig);
	_exit(128 + sig);
}

int
main(int argc, char *argv[])
{
	const char *joblogname = NULL, *tmpdir = NULL, *sshcmd = "ssh";
	const char *launcher = NULL;
	char **sshv, **launchv = NULL, msg[256];
	int r, i, jobs = 0, progress = 0, zflag = 0;
	struct stat sb;
	long n;
	const struct cli_opt opts[] = {
		OPT_SIZE('b', "block", &par.block, 1, 1LL << 40, "block size",
		    "SIZE", "runs of equal keys are coalesced into chunks of\n"
		    "at least SIZE bytes (default 4M, 64M with ssh hosts;\n"
		    "1: a chunk per run)"),
		OPT_STR(0, "failed", &par.failname, "FILE",
		    "write the records of chunks that failed to FILE"),
		OPT_NUM('j', "jobs", &jobs, 1, 1024, "job count", "N",
		    "run N instances at a time (default: online CPUs)"),
		OPT_STR(0, "joblog", &joblogname, "FILE",
		    "one line per attempt: chunk, attempt, start, time,\n"
		    "bytes in, bytes out, exit status, signal, host"),
		OPT_FLAG('k', "keep-order", &par.keeporder,
		    "emit outputs in input order"),
		OPT_FLAG(0, "keep-going", &par.keepgoing,
		    "go on after a chunk failed for good; exit 1 at the end"),
		OPT_STR(0, "launcher", &launcher, "PREFIX",
		    "run each instance as PREFIX COMMAND ARG..."),
		OPT_FLAG(0, "progress", &progress, "report progress on stderr"),
		OPT_NUM(0, "retries", &par.retries, 0, 1000, "retry count", "N",
		    "retry a failed chunk N times (default 2)"),
		OPT_FN('S', "sshlogin", add_hosts, "HOSTS",
		    "run instances on [N/]HOST,... over ssh (':' is here)"),
		OPT_STR(0, "ssh", &sshcmd, "CMD", "the ssh command (default ssh)"),
		OPT_STR('T', "temporary-directory", &tmpdir, "DIR",
		    "spill files go to DIR"),
		OPT_FLAG('z', "null", &zflag,
		    "records end with NUL, not newline"),
		OPT_END
	};

	par.retries = 2;
	par.delim = '\n';
	par.failfd = -1;
	cli_init(synopsis, "", 25);
	cli_parse(argc, argv, opts, CLI_STOP_AT_OPERAND);
	argc -= optind;
	argv += optind;
	if (zflag)
		par.delim = '\0';
	if (argc < 1)
		cli_misuse("no command given");
	par.argv = argv;
	buf_addargv(&cmdline, argv);
	buf_addc(&cmdline, '\0');
	if (jobs == 0)
		jobs = (n = sysconf(_SC_NPROCESSORS_ONLN)) > 0 ? n : 1;
	if ((sshv = shword_split(sshcmd, msg, sizeof(msg))) == NULL)
		cli_misuse("invalid --ssh '%s': %s", sshcmd, msg);
	if (launcher != NULL &&
	    (launchv = shword_split(launcher, msg, sizeof(msg))) == NULL)
		cli_misuse("invalid --launcher '%s': %s", launcher, msg);
	hosts_init(&hosts, sshv, launchv);
	for (i = 0; i < nlists; i++)
		if (hosts_add(&hosts, lists[i], jobs, msg, sizeof(msg)) == -1)
			cli_misuse("invalid -S '%s': %s", lists[i], msg);
	if (nlists == 0)
		hosts_add_local(&hosts, jobs);
	if (hosts.slots > 4096)
		cli_misuse("more than 4096 slots in all");
	sflag = nlists > 0;
	/* An ssh connection costs a good part of a second: bigger chunks. */
	if (par.block == 0)
		par.block = (hosts_remote(&hosts) ? 64 : 4) * 1024 * 1024;
	par.hosts = &hosts;
	par.tmpdir = spill_dir(tmpdir);
	if (joblogname != NULL) {
		if ((joblog = fopen(joblogname, "we")) == NULL)
			err(1, "cannot open '%s'", joblogname);
		fputs("chunk\tattempt\tstart\truntime\tbytes_in\tbytes_out\t"
		    "exit\tsignal\thost\n", joblog);
		par.on_attempt = log_attempt;
	}
	if (par.failname != NULL && (par.failfd = open(par.failname,
	    O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) == -1)
		err(1, "cannot open '%s'", par.failname);
	if (fstat(0, &sb) == 0 && S_ISREG(sb.st_mode))
		insize = sb.st_size - lseek(0, 0, SEEK_CUR);
	progress_init(&prog);
	if (progress) {
		par.tick = progress_every(&prog);
		par.on_tick = tick;
		par.countout = 1;
	}
	par.on_giveup = warn_giveup;
	par.in = 0;
	par.out = 1;

	atexit(cleanup);
	t0 = clock_mono();
	r = par_run(&par, child_setup());
	if (par.signo != 0)
		die_of(par.signo);
	if (r == -1) {
		cleanup();
		if (par.errnum == EPIPE && par.out == 1)
			die_of(SIGPIPE);
		errx(par.exitcode, "%s", par.err);
	}
	if (progress)
		show_progress(&par.st, 1);
	if (joblog != NULL && fclose(joblog) == EOF)
		err(1, "cannot write '%s'", joblogname);
	if (par.failfd != -1 && close(par.failfd) == -1)
		err(1, "cannot write '%s'", par.failname);
	par_free(&par);
	hosts_free(&hosts);
	shword_free(sshv);
	shword_free(launchv);
	buf_free(&cmdline);
	return r;
}
