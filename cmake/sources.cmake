# The library's source files, by CMake library. Bazel is the primary build: when a .cc file is
# added to a Bazel library, add it here too (tools/check_cmake_sources.py fails until it is).
# Paths are relative to the repository root.

# //executor:executor
set(AEROSPIKE_ASYNC_EXECUTOR_SOURCES
  executor/serial_executor.cc
  executor/strand.cc
)

# //executor:tbb_executor (oneTBB)
set(AEROSPIKE_ASYNC_TBB_EXECUTOR_SOURCES
  executor/tbb_executor.cc
)

# //io (Linux: the epoll backend on the shared reactor, and io_uring), //io:resolve
set(AEROSPIKE_ASYNC_IO_SOURCES
  io/endpoint.cc
  io/epoll/epoll_poller.cc
  io/error.cc
  io/loop.cc
  io/loop_thread.cc
  io/posix_sockaddr.cc
  io/reactor/reactor_accept.cc
  io/reactor/reactor_loop.cc
  io/reactor/reactor_sockets.cc
  io/uring/make_loop.cc
  io/uring/uring_accept.cc
  io/uring/uring_loop.cc
  io/uring/uring_ring.cc
  io/uring/uring_sockets.cc
  io/resolve_posix.cc
  io/timer_queue.cc
)

# //client/wire: the wire format, pure code
set(AEROSPIKE_ASYNC_WIRE_SOURCES
  client/wire/admin.cc
  client/wire/batch.cc
  client/wire/buffer.cc
  client/wire/digest.cc
  client/wire/frame.cc
  client/wire/info.cc
  client/wire/key.cc
  client/wire/message.cc
  client/wire/msgpack.cc
  client/wire/particle.cc
  client/wire/peers.cc
  client/wire/query.cc
  client/wire/replicas.cc
  client/wire/request.cc
  client/wire/response.cc
  client/wire/result_code.cc
  client/wire/ripemd160.cc
  client/wire/scan.cc
  client/wire/status.cc
  client/wire/udf.cc
  client/wire/value.cc
)

# //client:aggregate (stream aggregations, links Lua)
set(AEROSPIKE_ASYNC_AGGREGATE_SOURCES
  client/aggregate.cc
  client/aggregate_phase.cc
)

# //client and its internal libraries (api, command, cluster, auth, cdt, exp, metrics, tls)
set(AEROSPIKE_ASYNC_CLIENT_SOURCES
  client/admin.cc
  client/auth/auth_loop.cc
  client/auth/credential.cc
  client/auth/session.cc
  client/cdt/bit.cc
  client/cdt/context.cc
  client/cdt/hll.cc
  client/cdt/list.cc
  client/cdt/map.cc
  client/cdt/results.cc
  client/cdt/select.cc
  client/client.cc
  client/client_aggregate.cc
  client/client_auth.cc
  client/client_info.cc
  client/client_metrics.cc
  client/client_scan.cc
  client/client_udf.cc
  client/cluster/info_client.cc
  client/cluster/node.cc
  client/cluster/tender.cc
  client/cluster/user_agent.cc
  client/command/admin_command.cc
  client/command/batch_command.cc
  client/command/command.cc
  client/command/connection_pool.cc
  client/command/drain.cc
  client/command/info_command.cc
  client/command/loop_context.cc
  client/command/scan_command.cc
  client/exp/bit_exp.cc
  client/exp/call.cc
  client/exp/exp.cc
  client/exp/exp_operation.cc
  client/exp/hll_exp.cc
  client/exp/list_exp.cc
  client/exp/map_exp.cc
  client/exp/path_exp.cc
  client/log.cc
  client/metrics/export.cc
  client/metrics/histogram.cc
  client/metrics/metrics.cc
  client/metrics/recorder.cc
  client/metrics/reporter.cc
  client/record_view.cc
  client/scan.cc
  client/status.cc
  client/tls/client_tls.cc
  client/tls/tls_context.cc
  client/tls/tls_error.cc
  client/tls/tls_loop.cc
)

# //lua:values (shared by aggregations and the test server's UDFs)
set(AEROSPIKE_ASYNC_LUA_SOURCES
  lua/values.cc
)

# //test/server (the embedded test cluster) and //test/server/cdt
set(AEROSPIKE_ASYNC_TEST_SERVER_SOURCES
  test/server/background.cc
  test/server/batch.cc
  test/server/bit_hll_ops.cc
  test/server/cdt/bit_ops.cc
  test/server/cdt/cdt_ops.cc
  test/server/cdt/cdt_result.cc
  test/server/cdt/hll_ops.cc
  test/server/cdt/list_ops.cc
  test/server/cdt/map_ops.cc
  test/server/cdt/msgpack_value.cc
  test/server/clock.cc
  test/server/cluster.cc
  test/server/cluster_state.cc
  test/server/compression.cc
  test/server/connection.cc
  test/server/event_loop.cc
  test/server/exp/cdt_call.cc
  test/server/exp/cdt_select.cc
  test/server/exp/exp.cc
  test/server/exp/exp_command.cc
  test/server/exp/geo.cc
  test/server/exp/msgpack_reader.cc
  test/server/faults.cc
  test/server/info.cc
  test/server/info_config.cc
  test/server/info_jobs.cc
  test/server/info_sindex.cc
  test/server/info_stats.cc
  test/server/jobs.cc
  test/server/message.cc
  test/server/node.cc
  test/server/node_loop.cc
  test/server/partition_map.cc
  test/server/query_filter.cc
  test/server/record_ops.cc
  test/server/response.cc
  test/server/scan.cc
  test/server/security/gate.cc
  test/server/security/security.cc
  test/server/sindex_keys.cc
  test/server/stats.cc
  test/server/store.cc
  test/server/tls.cc
  test/server/udf/aggregate.cc
  test/server/udf/apply.cc
  test/server/udf/info.cc
  test/server/udf/registry.cc
  test/server/udf/runtime.cc
  test/server/udf/text_codec.cc
  test/server/wire.cc
)
