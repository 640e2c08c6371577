// The security gate in front of the server's request handlers: which permission a request
// needs, and the refusal a real server sends when the connection may not run it.
//
// Threads: plain functions; called on the connection's loop thread.
#pragma once

#include <cstdint>
#include <vector>

#include "test/server/message.h"
#include "test/server/response.h"
#include "test/server/security/security.h"

namespace aero::testserver::security {

// The permission a type-3 message needs: a record UDF (or a background UDF) needs
// read-write-udf, a write (info2 WRITE) write, everything else read. Batch rows are checked
// as reads (the rows' own write flags are not inspected).
Permission permission_of(const MessageView& m);

// True when the message may run. Otherwise writes the refusal (one header-only message with
// 80 or 81, marked LAST for batches, scans and queries) into `w`.
bool admit_message(Security& security, const ConnectionAuth& conn, const MessageView& m,
                   ResponseWriter& w);

// True when the connection may send info requests. Otherwise writes the info answer a real
// server gives an unauthenticated connection: the single line "ERROR:80:not authenticated".
bool admit_info(const ConnectionAuth& conn, ResponseWriter& w);

}  // namespace aero::testserver::security
