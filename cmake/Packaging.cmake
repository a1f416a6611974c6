# The Debian package (cpack -G DEB in the build directory):
# lifecycled_<version>_amd64.deb with the binary, the hardened systemd unit and
# its environment file. Migrations are embedded in the binary
# (storage/embed_migrations.cmake), so there are no SQL files to ship.
# tests/deploy/package_test.cc builds, installs, runs and removes it.

set(LIFECYCLE_DEPLOY_DIR ${PROJECT_SOURCE_DIR}/deploy)

install(TARGETS lifecycled RUNTIME DESTINATION bin)
install(FILES ${LIFECYCLE_DEPLOY_DIR}/systemd/lifecycled.service
        DESTINATION lib/systemd/system)
# Root-only: it may hold the database password. systemd reads it as root
# before dropping to the lifecycled user.
install(FILES ${LIFECYCLE_DEPLOY_DIR}/systemd/lifecycled.env
        DESTINATION /etc/lifecycled
        PERMISSIONS OWNER_READ OWNER_WRITE)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME lifecycled)
set(CPACK_PACKAGE_VENDOR "lifecycled")
set(CPACK_PACKAGE_CONTACT "lifecycled maintainers <lifecycled@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Customer lifecycle service (gRPC): segments, onboarding, retention, cross-sell")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# A 100+ MB RelWithDebInfo binary becomes a few MB.
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # lifecycled_<version>_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Runtime libraries (libgrpc++1.51, libprotobuf32, libpqxx-6.4, ...) come from
# dpkg-shlibdeps; adduser is for the postinst.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "postgresql (>= 15)")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${LIFECYCLE_DEPLOY_DIR}/debian/conffiles
    ${LIFECYCLE_DEPLOY_DIR}/debian/postinst
    ${LIFECYCLE_DEPLOY_DIR}/debian/prerm
    ${LIFECYCLE_DEPLOY_DIR}/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
