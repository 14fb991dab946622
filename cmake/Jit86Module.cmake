# jit86_module(NAME SOURCES ... [DEPS ...] [PUBLIC ...] [LIBS ...])
#
# Builds folder NAME/ into the static library jit86_NAME. DEPS are the modules
# NAME may use, following the dependency arrows of shared/DESIGN.md. PUBLIC
# lists the headers other modules may include (default: NAME.h). At build time
# cmake/check-includes.cmake scans every file of the folder and fails the build
# on an include of a module outside the allowed set, of a sibling's private
# header, or through a relative "../" path.

function(jit86_module name)
    cmake_parse_arguments(M "" "" "SOURCES;DEPS;PUBLIC;LIBS" ${ARGN})
    if(NOT M_PUBLIC)
        set(M_PUBLIC ${name}.h)
    endif()
    set_property(GLOBAL PROPERTY JIT86_PUBLIC_${name} ${M_PUBLIC})

    # Allowed modules = DEPS plus everything they may use (downward closure).
    set(allowed ${M_DEPS})
    foreach(d ${M_DEPS})
        get_property(sub GLOBAL PROPERTY JIT86_ALLOWED_${d})
        list(APPEND allowed ${sub})
    endforeach()
    list(REMOVE_DUPLICATES allowed)
    set_property(GLOBAL PROPERTY JIT86_ALLOWED_${name} ${allowed})

    # A module whose sources have not been written yet is a header-only
    # (INTERFACE) library, so the link graph is complete from the start.
    if(M_SOURCES)
        set(scope PUBLIC)
        add_library(jit86_${name} STATIC ${M_SOURCES})
    else()
        set(scope INTERFACE)
        add_library(jit86_${name} INTERFACE)
    endif()
    target_include_directories(jit86_${name} ${scope} ${PROJECT_SOURCE_DIR})
    foreach(d ${M_DEPS})
        target_link_libraries(jit86_${name} ${scope} jit86_${d})
    endforeach()
    if(M_LIBS)
        target_link_libraries(jit86_${name} ${scope} ${M_LIBS})
    endif()

    set(public_args "")
    foreach(d ${allowed})
        get_property(pub GLOBAL PROPERTY JIT86_PUBLIC_${d})
        string(REPLACE ";" "," pub "${pub}")
        list(APPEND public_args "-DPUBLIC_${d}=${pub}")
    endforeach()
    string(REPLACE ";" "," allowed_csv "${allowed}")
    file(GLOB_RECURSE files CONFIGURE_DEPENDS
         ${CMAKE_CURRENT_SOURCE_DIR}/*.c ${CMAKE_CURRENT_SOURCE_DIR}/*.h
         ${CMAKE_CURRENT_SOURCE_DIR}/*.def)
    set(stamp ${CMAKE_CURRENT_BINARY_DIR}/${name}-includes.ok)
    add_custom_command(
        OUTPUT ${stamp}
        COMMAND ${CMAKE_COMMAND} -DMODULE=${name} -DALLOWED=${allowed_csv}
                ${public_args} -DROOT=${PROJECT_SOURCE_DIR} -DSTAMP=${stamp}
                -P ${PROJECT_SOURCE_DIR}/cmake/check-includes.cmake
        DEPENDS ${files} ${PROJECT_SOURCE_DIR}/cmake/check-includes.cmake
        COMMENT "Checking ${name}/ includes against the dependency direction")
    add_custom_target(jit86_${name}_includes DEPENDS ${stamp})
    add_dependencies(jit86_${name} jit86_${name}_includes)
endfunction()
