# make install DESTDIR= PREFIX=/usr - binaries, man pages, init script,
# systemd unit, sample config, the example hook. Does not build test tools or need deps.
PREFIX ?= /usr/local
DESTDIR ?=
INSTALL ?= install
SYSCONFDIR ?= /etc

.PHONY: install
install: $(BINS)
	$(INSTALL) -D -m 0755 $(O)/gridalertd $(DESTDIR)$(PREFIX)/sbin/gridalertd
	$(INSTALL) -D -m 0755 $(O)/gridalertctl $(DESTDIR)$(PREFIX)/bin/gridalertctl
	$(INSTALL) -D -m 0644 docs/gridalertd.8 $(DESTDIR)$(PREFIX)/share/man/man8/gridalertd.8
	$(INSTALL) -D -m 0644 docs/gridalertctl.1 $(DESTDIR)$(PREFIX)/share/man/man1/gridalertctl.1
	$(INSTALL) -D -m 0644 docs/gridalert.conf.5 $(DESTDIR)$(PREFIX)/share/man/man5/gridalert.conf.5
	$(INSTALL) -D -m 0755 firmware/package/gridalert/S90gridalert $(DESTDIR)$(SYSCONFDIR)/init.d/S90gridalert
	$(INSTALL) -D -m 0644 firmware/package/gridalert/gridalert.service $(DESTDIR)$(PREFIX)/lib/systemd/system/gridalert.service
	$(INSTALL) -D -m 0644 board/rpi4/gridalert.conf $(DESTDIR)$(PREFIX)/share/gridalert/gridalert.conf.sample
	$(INSTALL) -D -m 0755 board/examples/notify.sh $(DESTDIR)$(PREFIX)/libexec/gridalert/notify
