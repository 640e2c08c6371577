// The library's version (semantic versioning): the one place it is written. CMake reads it
// (project version, package config, pkg-config file), the client sends it to servers in its
// user agent, and CHANGELOG.md has a section for each release. Any thread.
#pragma once

#include <string_view>

#define AEROSPIKE_ASYNC_VERSION_MAJOR 0
#define AEROSPIKE_ASYNC_VERSION_MINOR 1
#define AEROSPIKE_ASYNC_VERSION_PATCH 0
#define AEROSPIKE_ASYNC_VERSION_STRING "0.1.0"

namespace aero {

// The version of this library, e.g. "0.1.0".
inline constexpr std::string_view kVersion = AEROSPIKE_ASYNC_VERSION_STRING;
inline constexpr int kVersionMajor = AEROSPIKE_ASYNC_VERSION_MAJOR;  // incompatible API changes
inline constexpr int kVersionMinor = AEROSPIKE_ASYNC_VERSION_MINOR;  // additions
inline constexpr int kVersionPatch = AEROSPIKE_ASYNC_VERSION_PATCH;  // fixes

}  // namespace aero
