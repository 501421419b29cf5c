/*
 * mr-par: run a filter once per chunk of records, N at a time, through
 * the engine in lib/par.c. This file reads the options, opens the job
 * log and the --failed file, and shows progress and failures.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
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
#include "out.h"
#include "par.h"
#include "shword.h"
#include "spill.h"

static const char synopsis[] =
    "mr-par [-kz] [-j N] [-b SIZE] [--retries N] [--keep-going]\n"
    "              [--failed FILE] [--joblog FILE] [--progress] [-T DIR]\n"
    "              [-S HOSTS] [--ssh CMD] [--launcher PREFIX]\n"
    "              COMMAND [ARG...]";
static const char options[] =
    "  -b, --block=SIZE       runs of equal keys are coalesced into chunks of\n"
    "                         at least SIZE bytes (default 4M, 64M with ssh hosts;\n"
    "                         1: a chunk per run)\n"
    "      --failed=FILE      write the records of chunks that failed to FILE\n"
    "  -j, --jobs=N           run N instances at a time (default: online CPUs)\n"
    "      --joblog=FILE      one line per attempt: chunk, attempt, start, time,\n"
    "                         bytes in, bytes out, exit status, signal, host\n"
    "  -k, --keep-order       emit outputs in input order\n"
    "      --keep-going       go on after a chunk failed for good; exit 1 at the end\n"
    "      --launcher=PREFIX  run each instance as PREFIX COMMAND ARG...\n"
    "      --progress         report progress on stderr\n"
    "      --retries=N        retry a failed chunk N times (default 2)\n"
    "  -S, --sshlogin=HOSTS   run instances on [N/]HOST,... over ssh (':' is here)\n"
    "      --ssh=CMD          the ssh command (default ssh)\n"
    "  -T, --temporary-directory=DIR  spill files go to DIR\n"
    "  -z, --null             records end with NUL, not newline\n"
    "  -h, --help             show this help\n"
    "      --version          show the version\n";

enum {
	OPT_FAILED = 256, OPT_JOBLOG, OPT_KEEPGOING, OPT_LAUNCHER, OPT_PROGRESS,
	OPT_RETRIES, OPT_SSH
};

static const struct option longopts[] = {
	{ "block",	required_argument,	NULL, 'b' },
	{ "failed",	required_argument,	NULL, OPT_FAILED },
	{ "jobs",	required_argument,	NULL, 'j' },
	{ "joblog",	required_argument,	NULL, OPT_JOBLOG },
	{ "keep-going",	no_argument,		NULL, OPT_KEEPGOING },
	{ "keep-order",	no_argument,		NULL, 'k' },
	{ "launcher",	required_argument,	NULL, OPT_LAUNCHER },
	{ "null",	no_argument,		NULL, 'z' },
	{ "progress",	no_argument,		NULL, OPT_PROGRESS },
	{ "retries",	required_argument,	NULL, OPT_RETRIES },
	{ "ssh",	required_argument,	NULL, OPT_SSH },
	{ "sshlogin",	required_argument,	NULL, 'S' },
	{ "temporary-directory", required_argument, NULL, 'T' },
	CLI_LONGOPTS_END
};

#define TICK_TTY	200	/* ms between progress redraws on a terminal */
#define TICK_LOG	5000	/* ms between progress lines otherwise */

static struct par	 par;
static struct hosts	 hosts;
static struct buf	 cmdline;	/* COMMAND ARG... for messages */
static FILE		*joblog;
static unsigned long long insize;	/* of a regular file on stdin */
static double		 t0;
static int		 istty, sflag;

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
	char eta[64] = "";
	double f;
	int i;

	if (insize > 0 && st->bytes_in > 0) {
		f = (double)st->bytes_in / insize;
		snprintf(eta, sizeof(eta), "; %.0f%% ETA %.0fs", f * 100,
		    f < 1 ? el * (1 - f) / f : 0.0);
	}
	fprintf(stderr, "%smr-par: chunks %llu done, %d running, %llu read; "
	    "records %llu in, %llu out; %.1f MiB in, %.1f MiB out; "
	    "%.1f MiB/s%s", istty ? "\r" : "", st->done, st->running,
	    st->chunks, st->records, st->records_out,
	    st->bytes_in / 1048576.0, st->bytes_out / 1048576.0, rate, eta);
	/* With -S, each host: attempts done and failed, instances running. */
	for (i = 0; sflag && i < hosts.n; i++)
		fprintf(stderr, "%s %s %llu/%llu/%d", i == 0 ? ";" : ",",
		    hosts_name(&hosts, i), hosts.h[i].done, hosts.h[i].failed,
		    hosts.h[i].running);
	fputs(istty ? (final ? "\033[K\n" : "\033[K") : "\n", stderr);
}

static void
tick(void *arg, const struct par_stats *st)
{
	(void)arg;
	show_progress(st, 0);
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
	if (par.tick > 0 && istty)
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
	const char *launcher = NULL, *lists[64];
	char **sshv, **launchv = NULL, msg[256];
	int ch, r, i, jobs = 0, nlists = 0, progress = 0;
	struct stat sb;
	long n;

	par.retries = 2;
	par.delim = '\n';
	par.failfd = -1;
	cli_init(synopsis, options);
	while ((ch = cli_getopt(argc, argv, "+b:hj:kS:T:z", longopts)) != -1) {
		switch (ch) {
		case 'b':
			par.block = cli_size(optarg, 1, 1LL << 40, "block size");
			break;
		case 'j':
			jobs = cli_num(optarg, 1, 1024, "job count");
			break;
		case 'k':
			par.keeporder = 1;
			break;
		case 'S':
			if (nlists == 64)
				cli_misuse("more than 64 -S options");
			lists[nlists++] = optarg;
			break;
		case 'T':
			tmpdir = optarg;
			break;
		case 'z':
			par.delim = '\0';
			break;
		case OPT_FAILED:
			par.failname = optarg;
			break;
		case OPT_JOBLOG:
			joblogname = optarg;
			break;
		case OPT_KEEPGOING:
			par.keepgoing = 1;
			break;
		case OPT_LAUNCHER:
			launcher = optarg;
			break;
		case OPT_PROGRESS:
			progress = 1;
			break;
		case OPT_RETRIES:
			par.retries = cli_num(optarg, 0, 1000, "retry count");
			break;
		case OPT_SSH:
			sshcmd = optarg;
			break;
		default:
			cli_usage(2);
		}
	}
	argc -= optind;
	argv += optind;
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
		par.block = (sflag && (hosts.n > 1 || hosts.h[0].name != NULL) ?
		    64 : 4) * 1024 * 1024;
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
	istty = isatty(2);
	if (progress) {
		par.tick = istty ? TICK_TTY : TICK_LOG;
		par.on_tick = tick;
		par.countout = 1;
	}
	par.on_giveup = warn_giveup;
	par.in = 0;
	par.out = 1;

	atexit(cleanup);
	out_dying = cleanup;
	out_stdout();
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
	out_close(&out_std);
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
