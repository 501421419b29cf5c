/*
 * mr-netc: the command-line client of mr-netd. Submits job specs and data,
 * waits for results with WAIT (never a sleep loop), fetches, cancels, and
 * stores named data sets. With --progress it waits with held PROGRESS
 * requests instead, drawing how far the job is on stderr, and fetches the
 * result once the job has finished.
 */
#include <bsd/stdlib.h>
#include <err.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "clock.h"
#include "fdio.h"
#include "out.h"
#include "progress.h"
#include "proto.h"

static const char synopsis[] =
    "mr-netc [-H HOST] [-p PORT] [-U SOCKET] [--token-file FILE] run [--progress] SPEC [FILE]\n"
    "       mr-netc [OPTIONS] submit SPEC [FILE]\n"
    "       mr-netc [OPTIONS] fetch ID\n"
    "       mr-netc [OPTIONS] wait [--progress] ID [--timeout SECS]\n"
    "       mr-netc [OPTIONS] status ID\n"
    "       mr-netc [OPTIONS] cancel ID\n"
    "       mr-netc [OPTIONS] put NAME [FILE]\n"
    "       mr-netc [OPTIONS] run-on [--progress] NAME SPEC";
static const char head[] =
    "commands:\n"
    "  run SPEC [FILE]          submit, wait, print the result\n"
    "  submit SPEC [FILE]       submit, print the job id\n"
    "  fetch ID                 print the result of a finished job\n"
    "  wait ID [--timeout SECS] wait for a job, then as fetch\n"
    "  status ID                print the state of a job\n"
    "  cancel ID                cancel a job, print its state\n"
    "  put NAME [FILE]          store a data set (empty data removes it)\n"
    "  run-on NAME SPEC         run SPEC over a stored data set\n"
    "  --progress               with run, run-on and wait: how far the job\n"
    "                           is, on stderr\n"
    "options:\n";

#define WAIT_SLICE_MS	60000
/* How often --progress draws its line: on a terminal, and otherwise. */

static const char *host = "127.0.0.1", *port = "1936", *unixpath;
static const char *where, *tokenfile;
static int sock = -1;

/*
 * A daemon that refuses a request replies and closes without reading the
 * rest of it: a failed send is remembered, and the reply read all the same.
 */
static int send_errno;

static void
io_fail(void)
{
	if (send_errno != 0)
		errno = send_errno;
	err(1, "connection to %s", where);
}

static void
send_bytes(const void *p, size_t n)
{
	if (send_errno == 0 && fdio_write_all(sock, p, n) == -1)
		send_errno = errno;
}

static void
send32(uint32_t v)
{
	if (proto_write32(sock, v) == -1)
		io_fail();
}

static void
send8(int v)
{
	unsigned char b = v;

	send_bytes(&b, 1);
}

static uint32_t
recv32(void)
{
	uint32_t v;

	if (proto_read32(sock, &v) == -1)
		io_fail();
	return v;
}

static int
recv8(void)
{
	unsigned char b;

	if (fdio_read_full(sock, &b, 1) == -1)
		io_fail();
	return b;
}

static char *
recv_string(uint32_t n)
{
	char *s = malloc((size_t)n + 1);

	if (s == NULL)
		err(1, "malloc");
	if (fdio_read_full(sock, s, n) == -1)
		io_fail();
	s[n] = '\0';
	return s;
}

static void
connect_server(void)
{
	static char desc[300];
	char msg[512], *tok;

	snprintf(desc, sizeof(desc), "%s:%s", host, port);
	where = unixpath != NULL ? unixpath : desc;
	if ((sock = proto_connect(host, port, unixpath, msg, sizeof(msg))) < 0)
		errx(sock == -2 ? 2 : 1, "%s", msg);
	if (tokenfile == NULL)
		return;
	tok = proto_read_token(tokenfile);
	send8(PROTO_OP_AUTH);
	send32(strlen(tok));
	send_bytes(tok, strlen(tok));
	explicit_bzero(tok, strlen(tok));
	free(tok);
	if (recv8() != 0)
		errx(1, "%s refused the token", where);
}

static void
read_all(const char *file, struct buf *b)
{
	if (fdio_read_file(file, b) == -1)
		err(1, "cannot read '%s'", file != NULL ? file : "stdin");
}

/* A request of two length-prefixed fields: SUBMIT, SUBMIT-ON, PUT. */
static void
send_frame(int op, const char *first, const struct buf *data)
{
	if (data->len > UINT32_MAX)
		errx(1, "data of %zu bytes is too large", data->len);
	send8(op);
	send32(strlen(first));
	send_bytes(first, strlen(first));
	send32(data->len);
	send_bytes(data->p, data->len);
}

/* SUBMIT (data from FILE) or SUBMIT-ON (data set NAME): the job id. */
static uint32_t
submit(int op, const char *spec, const char *arg)
{
	struct buf data = BUF_INIT;
	uint32_t id;
	char *msg;

	if (op == PROTO_OP_SUBMIT)
		read_all(arg, &data);
	else
		buf_add(&data, arg, strlen(arg));
	send_frame(op, spec, &data);
	buf_free(&data);
	if ((id = recv32()) == 0) {
		msg = recv_string(recv32());
		errx(1, "job rejected: %s", msg);
	}
	return id;
}

static void
copy_payload(uint32_t n)
{
	char tmp[65536];
	size_t k;

	while (n > 0) {
		k = n < sizeof(tmp) ? n : sizeof(tmp);
		if (fdio_read_full(sock, tmp, k) == -1)
			io_fail();
		out_add(&out_std, tmp, k);
		n -= k;
	}
}

/*
 * The reply of FETCH or WAIT: the result on stdout and 0 when done, 3
 * while the job has not finished, 1 otherwise (with a message).
 */
static int
result(uint32_t id)
{
	int st = recv8();
	uint32_t n = recv32();
	char *why;

	switch (st) {
	case PROTO_ST_DONE:
		copy_payload(n);
		return 0;
	case PROTO_ST_QUEUED:
	case PROTO_ST_RUNNING:
		warnx("job %u is %s", id, proto_states[st]);
		return 3;
	case PROTO_ST_FAILED:
		why = recv_string(n);
		warnx("job %u failed: %s", id, why);
		free(why);
		return 1;
	default:
		warnx("job %u is %s", id, st < 6 ? proto_states[st] : "?");
		return 1;
	}
}

/* WAIT in slices until the job ends or timeout_ms (0: forever) passes. */
static int
wait_job(uint32_t id, long long timeout_ms)
{
	long long left = timeout_ms;
	uint32_t slice;
	int st;

	for (;;) {
		slice = timeout_ms == 0 || left > WAIT_SLICE_MS ? WAIT_SLICE_MS :
		    left;
		send8(PROTO_OP_WAIT);
		send32(id);
		send32(slice);
		left -= slice;
		if ((st = result(id)) != 3 || (timeout_ms != 0 && left <= 0))
			return st;
	}
}

/* "mr-netc: job N STATE, X.X MiB of Y.Y MiB (P%), T.T s" */
static void
draw(const struct progress *pl, uint32_t id, const struct proto_progress *p,
    int final)
{
	unsigned pct;

	if (p->total > 0)
		pct = p->consumed >= p->total ? 100 :
		    (unsigned)(p->consumed * 100.0 / p->total);
	else
		pct = p->state == PROTO_ST_DONE ? 100 : 0;
	progress_line(pl, final, "%s: job %u %s, %.1f MiB of %.1f MiB (%u%%), "
	    "%.1f s", getprogname(), id,
	    p->state < 6 ? proto_states[p->state] : "?",
	    p->consumed / 1048576.0, p->total / 1048576.0, pct, p->ms / 1000.0);
}

static int
unfinished(int state)
{
	return state == PROTO_ST_QUEUED || state == PROTO_ST_RUNNING;
}

/*
 * As wait_job, drawing the progress. PROGRESS requests held up to the
 * interval are answered early when the job ends and never consume it:
 * the result is then fetched once, with WAIT 0. A daemon from before
 * PROGRESS closes the connection on it: then wait_job, on a new one.
 */
static int
wait_progress(uint32_t id, long long timeout_ms)
{
	struct proto_progress p;
	struct progress pl;
	const char *env;
	double until = 0, left;
	long long every;

	progress_init(&pl);
	every = progress_every(&pl);
	/* For the tests: lines every so many ms, on a terminal or not. */
	if ((env = getenv("MR_NETC_PROGRESS_MS")) != NULL)
		every = cli_num(env, 1, 3600000, "MR_NETC_PROGRESS_MS");
	if (proto_progress(sock, id, 0, &p) == -1) {
		warnx("%s does not report progress: waiting without it",
		    where);
		close(sock);
		send_errno = 0;
		connect_server();
		return wait_job(id, timeout_ms);
	}
	if (timeout_ms != 0)
		until = clock_mono() + timeout_ms / 1000.0;
	if (pl.tty && unfinished(p.state))
		draw(&pl, id, &p, 0);
	while (unfinished(p.state)) {
		left = every;
		if (timeout_ms != 0 && (left = (until - clock_mono()) *
		    1000) > every)
			left = every;
		if (left < 1)
			break;
		if (proto_progress(sock, id, left, &p) == -1)
			io_fail();
		if (unfinished(p.state))
			draw(&pl, id, &p, 0);
	}
	if (p.state != PROTO_ST_UNKNOWN)
		draw(&pl, id, &p, 1);
	send8(PROTO_OP_WAIT);
	send32(id);
	send32(0);
	return result(id);
}

static uint32_t
job_id(const char *s)
{
	return cli_num(s, 1, UINT32_MAX, "job id");
}

static void
need(int argc, int min, int max)
{
	if (argc < min || argc > max)
		cli_misuse("wrong number of arguments");
}

int
main(int argc, char *argv[])
{
	const char *cmd;
	long long timeout = 0;
	uint32_t id;
	const char *state;
	char *msg;
	int ch, st = 0, prog = 0;
	const struct cli_opt opts[] = {
		OPT_STR('H', "host", &host, "HOST",
		    "server address (default 127.0.0.1)"),
		OPT_NUMSTR('p', "port", &port, 1, 65535, "port", "PORT",
		    "server port (default 1936)"),
		OPT_STR('U', "unix", &unixpath, "SOCKET",
		    "connect to a Unix socket instead"),
		OPT_STR(0, "token-file", &tokenfile, "FILE",
		    "authenticate with the token in FILE"),
		/* the commands' own options, shown with them */
		OPT_FLAG(0, "progress", &prog, NULL),
		OPT_NUM(0, "timeout", &timeout, 1, 1LL << 30, "timeout", "SECS",
		    NULL),
		OPT_END
	};

	cli_init(synopsis, head, 27);
	signal(SIGPIPE, SIG_IGN);
	cli_parse(argc, argv, opts, 0);
	argc -= optind;
	argv += optind;
	if (argc < 1)
		cli_misuse("no command given");
	cmd = argv[0];
	if (timeout && strcmp(cmd, "wait") != 0)
		cli_misuse("--timeout goes with wait");
	if (prog && strcmp(cmd, "wait") != 0 && strcmp(cmd, "run") != 0 &&
	    strcmp(cmd, "run-on") != 0)
		cli_misuse("--progress goes with run, run-on and wait");

	out_stdout();
	if (strcmp(cmd, "run") == 0 || strcmp(cmd, "submit") == 0) {
		need(argc, 2, 3);
		connect_server();
		id = submit(PROTO_OP_SUBMIT, argv[1], argc > 2 ? argv[2] : NULL);
		if (cmd[0] == 's') {
			out_u64(&out_std, id);
			out_addc(&out_std, '\n');
		} else
			st = prog ? wait_progress(id, 0) : wait_job(id, 0);
	} else if (strcmp(cmd, "run-on") == 0) {
		need(argc, 3, 3);
		connect_server();
		id = submit(PROTO_OP_SUBMIT_ON, argv[2], argv[1]);
		st = prog ? wait_progress(id, 0) : wait_job(id, 0);
	} else if (strcmp(cmd, "fetch") == 0 || strcmp(cmd, "wait") == 0) {
		need(argc, 2, 2);
		id = job_id(argv[1]);
		connect_server();
		if (cmd[0] == 'w')
			st = prog ? wait_progress(id, timeout * 1000) :
			    wait_job(id, timeout * 1000);
		else {
			send8(PROTO_OP_FETCH);
			send32(id);
			st = result(id);
		}
	} else if (strcmp(cmd, "status") == 0 || strcmp(cmd, "cancel") == 0) {
		need(argc, 2, 2);
		id = job_id(argv[1]);
		connect_server();
		send8(cmd[0] == 's' ? PROTO_OP_STATUS : PROTO_OP_CANCEL);
		send32(id);
		ch = recv8();
		state = ch < 6 ? proto_states[ch] : "?";
		out_add(&out_std, state, strlen(state));
		out_addc(&out_std, '\n');
	} else if (strcmp(cmd, "put") == 0) {
		struct buf data = BUF_INIT;
		need(argc, 2, 3);
		read_all(argc > 2 ? argv[2] : NULL, &data);
		connect_server();
		send_frame(PROTO_OP_PUT, argv[1], &data);
		buf_free(&data);
		if (recv8() != 0) {
			msg = recv_string(recv32());
			errx(1, "data set refused: %s", msg);
		}
	} else
		cli_misuse("unknown command '%s'", cmd);
	close(sock);
	out_close(&out_std);
	return st;
}
