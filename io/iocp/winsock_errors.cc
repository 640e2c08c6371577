// Winsock / Win32 error numbers -> portable std::errc values (see winsock_errors.h).
#include "io/iocp/winsock_errors.h"

#include "io/iocp/windows_headers.h"

namespace aero::io {

std::error_code winsock_error(int error) {
  using std::errc;
  errc portable;
  switch (error) {
    // Winsock's own numbers (WSAGetLastError, WSAGetOverlappedResult).
    case WSAECONNREFUSED: portable = errc::connection_refused; break;
    case WSAECONNRESET: portable = errc::connection_reset; break;
    case WSAECONNABORTED: portable = errc::connection_aborted; break;
    case WSAETIMEDOUT: portable = errc::timed_out; break;
    case WSAENETUNREACH: portable = errc::network_unreachable; break;
    case WSAEHOSTUNREACH: portable = errc::host_unreachable; break;
    case WSAENETDOWN: portable = errc::network_down; break;
    case WSAENETRESET: portable = errc::network_reset; break;
    case WSAENOTCONN: portable = errc::not_connected; break;
    case WSAEISCONN: portable = errc::already_connected; break;
    case WSAESHUTDOWN: portable = errc::broken_pipe; break;  // EPIPE on POSIX
    case WSAEADDRINUSE: portable = errc::address_in_use; break;
    case WSAEADDRNOTAVAIL: portable = errc::address_not_available; break;
    case WSAEAFNOSUPPORT: portable = errc::address_family_not_supported; break;
    case WSAEPROTONOSUPPORT: portable = errc::protocol_not_supported; break;
    case WSAENOBUFS: portable = errc::no_buffer_space; break;
    case WSAEMFILE: portable = errc::too_many_files_open; break;
    case WSAEACCES: portable = errc::permission_denied; break;
    case WSAEINVAL: portable = errc::invalid_argument; break;
    case WSAEFAULT: portable = errc::bad_address; break;
    case WSAENOTSOCK: portable = errc::not_a_socket; break;
    case WSAEMSGSIZE: portable = errc::message_size; break;
    case WSAEWOULDBLOCK: portable = errc::operation_would_block; break;
    case WSAEINPROGRESS: portable = errc::operation_in_progress; break;
    case WSAEALREADY: portable = errc::connection_already_in_progress; break;
    case WSAEINTR: portable = errc::interrupted; break;
    case WSA_OPERATION_ABORTED: portable = errc::operation_canceled; break;  // == 995
    // Win32 numbers that overlapped socket operations report for the same outcomes.
    case ERROR_CONNECTION_REFUSED: portable = errc::connection_refused; break;
    case ERROR_PORT_UNREACHABLE: portable = errc::connection_refused; break;
    case ERROR_NETNAME_DELETED: portable = errc::connection_reset; break;
    case ERROR_CONNECTION_ABORTED: portable = errc::connection_aborted; break;
    case ERROR_SEM_TIMEOUT: portable = errc::timed_out; break;
    case ERROR_NETWORK_UNREACHABLE: portable = errc::network_unreachable; break;
    case ERROR_HOST_UNREACHABLE: portable = errc::host_unreachable; break;
    case ERROR_NOT_ENOUGH_MEMORY: portable = errc::not_enough_memory; break;
    case ERROR_OUTOFMEMORY: portable = errc::not_enough_memory; break;
    case ERROR_INVALID_HANDLE: portable = errc::bad_file_descriptor; break;
    default: return {error, std::system_category()};
  }
  return std::make_error_code(portable);
}

}  // namespace aero::io
