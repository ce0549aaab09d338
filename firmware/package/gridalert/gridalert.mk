################################################################################
#
# gridalert
#
################################################################################

GRIDALERT_VERSION = 0.1.0
# The firmware tree lives inside the gridalert source tree.
GRIDALERT_SITE = $(BR2_EXTERNAL_GRIDALERT_PATH)/..
GRIDALERT_SITE_METHOD = local
GRIDALERT_DEPENDENCIES = host-pkgconf mbedtls \
	$(if $(BR2_PACKAGE_LIBGPIOD2),libgpiod2,libgpiod)
GRIDALERT_BOARD = $(call qstrip,$(BR2_PACKAGE_GRIDALERT_BOARD))

# Buildroot passes CC, CFLAGS, LDFLAGS and PKG_CONFIG on the command line
# (TARGET_CONFIGURE_OPTS); gridalert keeps its own flags apart from them.
GRIDALERT_MAKE_OPTS = $(TARGET_CONFIGURE_OPTS) O=$(@D)/build/target

define GRIDALERT_BUILD_CMDS
	$(TARGET_MAKE_ENV) $(MAKE) $(GRIDALERT_MAKE_OPTS) -C $(@D) all
endef

define GRIDALERT_INSTALL_TARGET_CMDS
	$(TARGET_MAKE_ENV) $(MAKE) $(GRIDALERT_MAKE_OPTS) -C $(@D) \
		DESTDIR=$(TARGET_DIR) PREFIX=/usr install
	$(INSTALL) -D -m 0640 $(@D)/board/$(GRIDALERT_BOARD)/gridalert.conf \
		$(TARGET_DIR)/etc/gridalert/gridalert.conf
	mkdir -p $(TARGET_DIR)/var/lib/gridalert
endef

define GRIDALERT_INSTALL_INIT_SYSV
	$(INSTALL) -D -m 0755 $(GRIDALERT_PKGDIR)/S90gridalert \
		$(TARGET_DIR)/etc/init.d/S90gridalert
endef

define GRIDALERT_INSTALL_INIT_SYSTEMD
	$(INSTALL) -D -m 0644 $(GRIDALERT_PKGDIR)/gridalert.service \
		$(TARGET_DIR)/usr/lib/systemd/system/gridalert.service
endef

$(eval $(generic-package))
