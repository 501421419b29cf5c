# mr: MapReduce as Unix filters.

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions

# The one version of every program, mr-slurm included: MR_VERSION in
# lib/cli.h. debian/changelog must agree (debian/rules checks it).
VERSION	:= $(shell sed -n 's/^\#define[[:space:]]*MR_VERSION[[:space:]]*"\([^"]*\)".*/\1/p' lib/cli.h)

CC	?= cc
CFLAGS	?= -O2 -g
MRFLAGS	= -std=gnu11 -Wall -Wextra -D_GNU_SOURCE -Ilib $(HARDEN)
MRLDFLAGS = -Wl,-z,relro,-z,now
LDLIBS	= -lbsd -lunistring -lxxhash -lm

# Hardening in every build, outside CFLAGS so that make CFLAGS=... keeps it.
# _FORTIFY_SOURCE needs optimisation (glibc warns without it) and hides
# memcpy and friends from the sanitizers' interceptors, so it is left out
# of unoptimised and sanitizer builds.
FORTIFY	= $(if $(findstring -fsanitize,$(CFLAGS)),,$(if $(filter \
	  -O1 -O2 -O3 -Os -Og -Oz -Ofast,$(CFLAGS)),-D_FORTIFY_SOURCE=2))
HARDEN	= -fstack-protector-strong $(FORTIFY)

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
	lib/progress.o \
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
	lib/progress.h \
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
	$(CC) $(MRFLAGS) $(CPPFLAGS) $(CFLAGS) $(MRLDFLAGS) $(LDFLAGS) -o $@ $< $(B)/obj/libmr.a $(LDLIBS)

$(B)/mr-slurm: cmd/mr-slurm.sh lib/cli.h
	@mkdir -p $(@D)
	sed 's/@VERSION@/$(VERSION)/' cmd/mr-slurm.sh > $@.tmp
	chmod 755 $@.tmp
	mv $@.tmp $@

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
	install -d $(DESTDIR)$(BASHCOMPDIR)
	install -m 644 completion/mr $(DESTDIR)$(BASHCOMPDIR)/mr-split
	for p in $(PROGS) mr-slurm; do [ $$p = mr-split ] || \
	    ln -sf mr-split $(DESTDIR)$(BASHCOMPDIR)/$$p; done

# The Debian package (debian/), built by dpkg-buildpackage in a copy of
# the tree as git sees it (tracked and untracked files, not the ignored
# ones), so that it builds as from a clean clone. The .deb, .changes and
# .buildinfo files are left in $(DEB_B)/.
DEB_B	= build-deb
deb:
	rm -rf $(DEB_B)
	mkdir -p $(DEB_B)/src
	git ls-files -co --exclude-standard | while IFS= read -r f; do \
	    [ ! -e "$$f" ] || printf '%s\n' "$$f"; done | \
	    tar -cf - --no-recursion -T - | tar -xf - -C $(DEB_B)/src
	cd $(DEB_B)/src && dpkg-buildpackage -us -uc -b
	ls $(DEB_B)/*.deb

# libFuzzer targets (tests/fuzz/): the library built with the sanitizers
# and fuzzer instrumentation in build-fuzz, each target linked against it.
# make fuzz runs each for FUZZ_SECONDS on a scratch copy of its corpus.
FUZZ_B	= build-fuzz
FUZZ_CFLAGS = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	  -fno-sanitize-recover=all -fsanitize=fuzzer-no-link
FUZZ_SECONDS = 60
FUZZERS	= fuzz_rdr fuzz_num fuzz_words fuzz_jobspec fuzz_ops fuzz_protosrv

fuzz-build:
	$(MAKE) B=$(FUZZ_B) CC=clang CFLAGS="$(FUZZ_CFLAGS)" fuzz-targets

fuzz: fuzz-build
	sh tests/fuzz/run.sh $(FUZZ_B) $(FUZZ_SECONDS) $(FUZZERS)

fuzz-targets: $(FUZZERS:%=$(B)/fuzz/%)

$(B)/fuzz/progopts.h: tests/fuzz/progopts.sh cmd/mr-split.c cmd/mr-map.c \
	    cmd/mr-shuffle.c cmd/mr-reduce.c cmd/mr-par.c
	@mkdir -p $(@D)
	sh tests/fuzz/progopts.sh cmd > $@.tmp && mv $@.tmp $@

$(B)/fuzz/fuzz_jobspec: $(B)/fuzz/progopts.h

$(B)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(B)/obj/libmr.a $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(MRFLAGS) -I$(B)/fuzz $(CPPFLAGS) $(CFLAGS) $(MRLDFLAGS) \
	    -fsanitize=fuzzer $(LDFLAGS) -o $@ $< $(B)/obj/libmr.a $(LDLIBS)

clean:
	rm -rf bin build-asan build-clang $(FUZZ_B) $(DEB_B)

.PHONY: all asan check check-all check-asan clean deb fuzz fuzz-build \
	fuzz-targets install lint

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
