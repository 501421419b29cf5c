# mr: MapReduce as Unix filters.

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man

CC	?= cc
CFLAGS	?= -O2 -g
MRFLAGS	= -std=gnu11 -Wall -Wextra -D_GNU_SOURCE -Ilib
LDLIBS	= -lbsd -lunistring -lxxhash -lm

# Out-of-tree builds: make B=build-asan CFLAGS="-O1 -g -fsanitize=address,undefined"
B	?= bin

PROGS	= mr-split mr-map mr-par mr-shuffle mr-reduce mr-netd mr-netc
LIBOBJS	= \
	lib/arena.o \
	lib/buf.o \
	lib/child.o \
	lib/cli.o \
	lib/clock.o \
	lib/conn.o \
	lib/fdio.o \
	lib/hosts.o \
	lib/htab.o \
	lib/jobq.o \
	lib/jobspec.o \
	lib/listen.o \
	lib/log.o \
	lib/netd.o \
	lib/num.o \
	lib/ops.o \
	lib/out.o \
	lib/par.o \
	lib/proto.o \
	lib/protosrv.o \
	lib/rdr.o \
	lib/rec.o \
	lib/shword.o \
	lib/sort.o \
	lib/spill.o \
	lib/spool.o \
	lib/words.o \
	lib/xmalloc.o
HDRS	= \
	lib/arena.h \
	lib/buf.h \
	lib/child.h \
	lib/cli.h \
	lib/clock.h \
	lib/conn.h \
	lib/fdio.h \
	lib/hosts.h \
	lib/htab.h \
	lib/jobq.h \
	lib/jobspec.h \
	lib/listen.h \
	lib/log.h \
	lib/netd.h \
	lib/num.h \
	lib/ops.h \
	lib/out.h \
	lib/par.h \
	lib/proto.h \
	lib/protosrv.h \
	lib/rdr.h \
	lib/rec.h \
	lib/shword.h \
	lib/sort.h \
	lib/spill.h \
	lib/spool.h \
	lib/words.h \
	lib/xmalloc.h
MAN1	= man/mr-split.1 man/mr-map.1 man/mr-par.1 man/mr-shuffle.1 man/mr-reduce.1 \
	  man/mr-netd.1 man/mr-netc.1 man/mr-slurm.1
MAN7	= man/mr.7

BINS	= $(PROGS:%=$(B)/%)
SCRIPTS	= $(B)/mr-slurm
OBJS	= $(LIBOBJS:%=$(B)/obj/%)

all: $(BINS) $(SCRIPTS)

$(B)/obj/lib/%.o: lib/%.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(MRFLAGS) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/obj/libmr.a: $(OBJS)
	rm -f $@
	$(AR) rcs $@ $(OBJS)

$(B)/%: cmd/%.c $(B)/obj/libmr.a $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(MRFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/obj/libmr.a $(LDLIBS)

$(B)/mr-slurm: cmd/mr-slurm.sh
	@mkdir -p $(@D)
	cp cmd/mr-slurm.sh $@
	chmod 755 $@

check: all
	sh tests/summary.sh $(B)

# The README's test command: the suite on the normal and sanitizer builds.
check-all: all asan
	sh tests/summary.sh $(B) build-asan

asan:
	$(MAKE) B=build-asan CC=clang \
	    CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"

check-asan: asan
	sh tests/summary.sh build-asan

lint:
	mandoc -Tlint -Wwarning $(MAN1) $(MAN7)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7
	install -m 755 $(BINS) $(SCRIPTS) $(DESTDIR)$(BINDIR)
	install -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1
	install -m 644 $(MAN7) $(DESTDIR)$(MANDIR)/man7

clean:
	rm -rf bin build-asan build-clang

.PHONY: all asan check check-all check-asan clean install lint

# Benchmarks need the packages in bench/packages.
bench: all
	bash bench/run.sh

bench-full: all
	BENCH_FULL=1 bash bench/run.sh

bench-wordcount: all
	bash bench/wordcount.sh

.PHONY: bench bench-full bench-wordcount

bench-par: all
	bash bench/par.sh

.PHONY: bench-par

bench-netd: all
	bash bench/netd.sh

.PHONY: bench-netd

# The word count over ssh and Slurm beside one machine (starts an sshd and
# a one-node Slurm cluster of its own; needs root).
bench-scaleout: all
	bash bench/scaleout.sh

.PHONY: bench-scaleout
