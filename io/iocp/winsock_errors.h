// Winsock / Win32 error numbers -> the portable error values io/loop.h promises.
//
// Every backend reports the same values for the same outcome (std::errc in
// std::generic_category(), e.g. connection_refused, connection_reset, timed_out,
// operation_canceled), so callers never see a Windows number for an outcome that has a
// portable name. Numbers with no portable equivalent stay in std::system_category().
//
// Threads: a pure function, any thread.
#pragma once

#include <system_error>

namespace aero::io {

// `error` is a WSAGetLastError() / GetLastError() value (the two share one number space).
std::error_code winsock_error(int error);

}  // namespace aero::io
