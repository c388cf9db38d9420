# Embeds checks/*.yaml into the binary, so the CronJob image needs no catalog files.
file(GLOB RAMPART_CATALOG_FILES CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/checks/*.yaml)
set(RAMPART_CATALOG_CPP ${CMAKE_CURRENT_BINARY_DIR}/generated/catalog_data.cpp)
# A list passed on a command line would be split at its ';' by the shell: use '|' instead.
string(REPLACE ";" "|" RAMPART_CATALOG_FILES_ARG "${RAMPART_CATALOG_FILES}")
add_custom_command(
  OUTPUT ${RAMPART_CATALOG_CPP}
  COMMAND ${CMAKE_COMMAND} -DOUT=${RAMPART_CATALOG_CPP} "-DFILES=${RAMPART_CATALOG_FILES_ARG}"
          -P ${CMAKE_CURRENT_SOURCE_DIR}/cmake/embed_catalog.cmake
  DEPENDS ${RAMPART_CATALOG_FILES} ${CMAKE_CURRENT_SOURCE_DIR}/cmake/embed_catalog.cmake
  COMMENT "Embedding the check catalog"
  VERBATIM)
