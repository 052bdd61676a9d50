# Install layout and the Debian package. Included by CMakeLists.txt (which installs the binary).
#   cmake --install build --prefix /usr/local     # binary, man pages, completions
#   cpack --config build/CPackConfig.cmake        # redis-ops_<version>_<arch>.deb
include(GNUInstallDirs)

# `cmake --install` and cpack install what is built; they do not build `all` first (the tests
# included), which would take minutes and race with a build already running.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY TRUE)

file(GLOB REDIS_OPS_MAN_PAGES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/man/*.1)
install(FILES ${REDIS_OPS_MAN_PAGES} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

# bash-completion loads completions/<command> lazily, so the file is named after the command.
install(FILES ${CMAKE_SOURCE_DIR}/completions/redis-ops.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME redis-ops)
install(FILES ${CMAKE_SOURCE_DIR}/completions/_redis-ops
        DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/site-functions)
install(FILES ${CMAKE_SOURCE_DIR}/completions/redis-ops.fish
        DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME redis-ops)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "redis-ops maintainers <redis-ops@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "operate Redis from the shell: caches, sessions, locks, rate limits, streams, audits")
set(CPACK_PACKAGE_DESCRIPTION
    "redis-ops implements, from the command line, the patterns applications use on Redis:\n\
cache-aside with tags, sessions, distributed locks with lock run, rate limits on the\n\
server's clock, stream and Pub/Sub tails, and a keyspace audit for CI that never sends KEYS.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION database)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The Debian 12 runtime packages of the -dev packages we build against (hiredis 0.14, fmt 9,
# OpenSSL 3, yaml-cpp 0.7). CLI11 and nlohmann-json are header-only and need nothing at run time.
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libc6 (>= 2.34), libstdc++6 (>= 11), libgcc-s1, libhiredis0.14 (>= 0.14.1), libfmt9 (>= 9.1.0), libssl3 (>= 3.0.0), libyaml-cpp0.7 (>= 0.7.0)")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "redis-server, bash-completion")
include(CPack)
