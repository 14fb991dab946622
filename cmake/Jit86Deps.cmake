# Third-party libraries, found through pkg-config (Debian's -dev packages,
# installed by cmake/setup-deps.sh). Required ones stop the configure with a
# clear message; optional ones switch a feature off and say so.
find_package(PkgConfig REQUIRED)

function(jit86_require var module)
    pkg_check_modules(${var} REQUIRED IMPORTED_TARGET ${module})
endfunction()

function(jit86_optional var module feature)
    pkg_check_modules(${var} QUIET IMPORTED_TARGET ${module})
    if(${var}_FOUND)
        message(STATUS "jit86: ${feature}: enabled (${module} ${${var}_VERSION})")
    else()
        message(STATUS "jit86: ${feature}: disabled (${module} not found)")
    endif()
    set(${var}_FOUND ${${var}_FOUND} PARENT_SCOPE)
endfunction()

jit86_require(CHECK check)
jit86_require(ZLIB zlib)
jit86_require(FFI libffi)
jit86_require(CAPSTONE capstone)
jit86_require(JANSSON jansson)
jit86_optional(SDL2 sdl2 "SDL2 window")
jit86_optional(SLIRP slirp "user-mode networking (libslirp)")
jit86_optional(PNG libpng "PNG screenshots")
