// Umbrella header for client/wire: the Aerospike wire format, encoded and decoded exactly.
//
//   value.h, key.h, digest.h   the value model (Value, Bin, Record, Key, Digest)
//   status.h, result_code.h    errors as values; the result-code table
//   msgpack.h, particle.h      list/map encoding; bin values on the wire (ValueView)
//   frame.h                    8-byte proto header, compressed frames
//   message.h                  as_msg decoding (views) and FrameWriter
//   request.h, batch.h, scan.h request encoders with ReadAttrs / WriteAttrs / BatchAttrs
//   response.h                 response decoding helpers and server-side encoders
//   info.h, replicas.h, peers.h the info protocol and its value parsers
//
// Threads: everything is pure code over caller-owned memory; no globals, no I/O.
#pragma once

#include "client/wire/batch.h"
#include "client/wire/buffer.h"
#include "client/wire/digest.h"
#include "client/wire/frame.h"
#include "client/wire/info.h"
#include "client/wire/key.h"
#include "client/wire/message.h"
#include "client/wire/msgpack.h"
#include "client/wire/particle.h"
#include "client/wire/peers.h"
#include "client/wire/protocol.h"
#include "client/wire/replicas.h"
#include "client/wire/request.h"
#include "client/wire/response.h"
#include "client/wire/result_code.h"
#include "client/wire/scan.h"
#include "client/wire/status.h"
#include "client/wire/value.h"
