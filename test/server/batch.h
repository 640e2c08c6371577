// Batch-index requests (info1 BATCH): every row runs as its own single-record command and is
// answered by one message carrying the row index, then a separate LAST message ends the stream.
//
// Callable from any thread; used by a connection on its loop thread.
#pragma once

#include <cstddef>

#include "test/server/message.h"
#include "test/server/record_ops.h"
#include "test/server/response.h"

namespace aero::testserver {

// Appends the complete answer to the batch parent `parent`: row results in frames of about
// `frame_bytes` each, then one frame holding the LAST message (whose result is the overall
// status: 0, or the code that stopped the batch, or 4 when the request is malformed).
void execute_batch(const RequestContext& ctx, const MessageView& parent, ResponseWriter& w,
                   size_t frame_bytes = 128 * 1024);

}  // namespace aero::testserver
