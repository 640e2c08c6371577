// Admin (client/admin.h): builds the admin frames (client/wire/admin.h) and runs them as
// AdminCommands on a random active node.
#include "client/admin.h"

#include <atomic>

#include "client/auth/credential.h"
#include "client/client.h"
#include "client/cluster/cluster.h"
#include "client/command/admin_command.h"
#include "client/command/loop_context.h"
#include "client/wire/admin.h"

namespace aero {

namespace wa = wire::admin;

namespace {

std::vector<wa::PrivilegeSpec> specs(const std::vector<PrivilegeGrant>& privileges) {
  std::vector<wa::PrivilegeSpec> out;
  for (const PrivilegeGrant& p : privileges) out.push_back({std::uint8_t(p.code), p.ns, p.set});
  return out;
}

template <class T>
UniqueFunction<void(Result<T>)> to_promise(Promise<T> p) {
  return [p = std::move(p)](Result<T> r) mutable { p.set(std::move(r)); };
}

Admin::Done done_to_promise(Promise<void> p) {
  return [p = std::move(p)](Status s) mutable { p.set(Result<void>(std::move(s))); };
}

// Runs `b` (finished) as a simple command, reporting to `cb`.
void run_simple(Client& client, const Policy& policy, wa::RequestBuilder& b, Admin::Done cb,
                void (Client::*run)(std::vector<std::uint8_t>, std::uint8_t, const Policy&,
                                    UniqueFunction<void(Result<command::AdminAnswer>)>)) {
  auto frame = b.finish();
  if (!frame.ok()) {
    cb(Status(ClientCode::invalid_argument, frame.status().message()));
    return;
  }
  (client.*run)(std::move(*frame), std::uint8_t(command::AdminKind::simple), policy,
                [cb = std::move(cb)](Result<command::AdminAnswer> r) mutable { cb(r.status()); });
}

}  // namespace

void Client::run_admin(std::vector<std::uint8_t> request, std::uint8_t kind, const Policy& policy,
                       UniqueFunction<void(Result<command::AdminAnswer>)> cb) {
  if (per_loop_.empty() || closed_.load()) {
    cb(Status(ClientCode::client_closed, "the client is closed"));
    return;
  }
  std::vector<cluster::NodePtr> nodes;
  for (const auto& n : cluster_->snapshot()->nodes) {
    if (n->active()) nodes.push_back(n);
  }
  if (nodes.empty()) {
    cb(Status(ClientCode::invalid_node, "the cluster has no active node"));
    return;
  }
  cluster::NodePtr node = nodes[round_robin_.fetch_add(1, std::memory_order_relaxed) % nodes.size()];
  command::LoopContext* ctx = &loop_context(nullptr);
  outstanding_.fetch_add(1, std::memory_order_relaxed);  // released after the callback
  auto go = [ctx, node = std::move(node), request = std::move(request), kind, policy,
             cb = std::move(cb), live = &outstanding_]() mutable {
    command::run_admin(ctx, std::move(node), std::move(request), command::AdminKind(kind), policy,
                       std::move(cb), live);
  };
  if (ctx->loop().in_loop_thread()) {
    go();
  } else if (!ctx->loop().post(std::move(go))) {
    outstanding_.fetch_sub(1, std::memory_order_acq_rel);
  }
}

#define AERO_ADMIN_RUN(builder, cb) run_simple(client_, policy_, builder, std::move(cb), &Client::run_admin)

void Admin::create_user(std::string_view user, std::string_view password,
                        const std::vector<std::string>& roles, Done cb) {
  auto credential = auth::credential_of(password);
  if (!credential.ok()) return cb(credential.status());
  wa::RequestBuilder b(wa::kCreateUser);
  b.field(wa::kUser, user).field(wa::kPassword, *credential).roles(roles);
  AERO_ADMIN_RUN(b, cb);
}

void Admin::drop_user(std::string_view user, Done cb) {
  wa::RequestBuilder b(wa::kDropUser);
  b.field(wa::kUser, user);
  AERO_ADMIN_RUN(b, cb);
}

void Admin::set_password(std::string_view user, std::string_view password, Done cb) {
  auto credential = auth::credential_of(password);
  if (!credential.ok()) return cb(credential.status());
  wa::RequestBuilder b(wa::kSetPassword);
  b.field(wa::kUser, user).field(wa::kPassword, *credential);
  AERO_ADMIN_RUN(b, cb);
}

void Admin::change_password(std::string_view user, std::string_view old_password,
                            std::string_view new_password, Done cb) {
  auto old_credential = auth::credential_of(old_password);
  if (!old_credential.ok()) return cb(old_credential.status());
  auto credential = auth::credential_of(new_password);
  if (!credential.ok()) return cb(credential.status());
  wa::RequestBuilder b(wa::kChangePassword);
  b.field(wa::kUser, user).field(wa::kOldPassword, *old_credential).field(wa::kPassword, *credential);
  AERO_ADMIN_RUN(b, cb);
}

void Admin::grant_roles(std::string_view user, const std::vector<std::string>& roles, Done cb) {
  wa::RequestBuilder b(wa::kGrantRoles);
  b.field(wa::kUser, user).roles(roles);
  AERO_ADMIN_RUN(b, cb);
}

void Admin::revoke_roles(std::string_view user, const std::vector<std::string>& roles, Done cb) {
  wa::RequestBuilder b(wa::kRevokeRoles);
  b.field(wa::kUser, user).roles(roles);
  AERO_ADMIN_RUN(b, cb);
}

void Admin::create_role(std::string_view role, const std::vector<PrivilegeGrant>& privileges, Done cb) {
  wa::RequestBuilder b(wa::kCreateRole);
  b.field(wa::kRole, role).privileges(specs(privileges));
  AERO_ADMIN_RUN(b, cb);
}

void Admin::drop_role(std::string_view role, Done cb) {
  wa::RequestBuilder b(wa::kDropRole);
  b.field(wa::kRole, role);
  AERO_ADMIN_RUN(b, cb);
}

void Admin::grant_privileges(std::string_view role, const std::vector<PrivilegeGrant>& privileges,
                             Done cb) {
  wa::RequestBuilder b(wa::kGrantPrivileges);
  b.field(wa::kRole, role).privileges(specs(privileges));
  AERO_ADMIN_RUN(b, cb);
}

void Admin::revoke_privileges(std::string_view role, const std::vector<PrivilegeGrant>& privileges,
                              Done cb) {
  wa::RequestBuilder b(wa::kRevokePrivileges);
  b.field(wa::kRole, role).privileges(specs(privileges));
  AERO_ADMIN_RUN(b, cb);
}

#undef AERO_ADMIN_RUN

void Admin::query_users(std::string_view name,
                        UniqueFunction<void(Result<std::vector<UserRoles>>)> cb) {
  wa::RequestBuilder b(wa::kQueryUsers);
  if (!name.empty()) b.field(wa::kUser, name);
  auto frame = b.finish();
  if (!frame.ok()) return cb(Status(ClientCode::invalid_argument, frame.status().message()));
  client_.run_admin(std::move(*frame), std::uint8_t(command::AdminKind::query_users), policy_,
                    [cb = std::move(cb)](Result<command::AdminAnswer> r) mutable {
                      if (!r.ok()) return cb(r.status());
                      std::vector<UserRoles> out;
                      for (auto& u : r->users) out.push_back({std::move(u.name), std::move(u.roles)});
                      cb(std::move(out));
                    });
}

void Admin::query_roles(std::string_view name,
                        UniqueFunction<void(Result<std::vector<RolePrivileges>>)> cb) {
  wa::RequestBuilder b(wa::kQueryRoles);
  if (!name.empty()) b.field(wa::kRole, name);
  auto frame = b.finish();
  if (!frame.ok()) return cb(Status(ClientCode::invalid_argument, frame.status().message()));
  client_.run_admin(std::move(*frame), std::uint8_t(command::AdminKind::query_roles), policy_,
                    [cb = std::move(cb)](Result<command::AdminAnswer> r) mutable {
                      if (!r.ok()) return cb(r.status());
                      std::vector<RolePrivileges> out;
                      for (auto& role : r->roles) {
                        RolePrivileges rp{std::move(role.name), {}};
                        for (auto& p : role.privileges) {
                          rp.privileges.push_back({Privilege(p.code), std::move(p.ns), std::move(p.set)});
                        }
                        out.push_back(std::move(rp));
                      }
                      cb(std::move(out));
                    });
}

// ---- Futures. ----

#define AERO_ADMIN_FUTURE(call)          \
  Promise<void> p;                       \
  auto f = p.future();                   \
  call;                                  \
  return f

Future<void> Admin::create_user(std::string_view user, std::string_view password,
                                const std::vector<std::string>& roles) {
  AERO_ADMIN_FUTURE(create_user(user, password, roles, done_to_promise(std::move(p))));
}
Future<void> Admin::drop_user(std::string_view user) {
  AERO_ADMIN_FUTURE(drop_user(user, done_to_promise(std::move(p))));
}
Future<void> Admin::set_password(std::string_view user, std::string_view password) {
  AERO_ADMIN_FUTURE(set_password(user, password, done_to_promise(std::move(p))));
}
Future<void> Admin::change_password(std::string_view user, std::string_view old_password,
                                    std::string_view new_password) {
  AERO_ADMIN_FUTURE(change_password(user, old_password, new_password, done_to_promise(std::move(p))));
}
Future<void> Admin::grant_roles(std::string_view user, const std::vector<std::string>& roles) {
  AERO_ADMIN_FUTURE(grant_roles(user, roles, done_to_promise(std::move(p))));
}
Future<void> Admin::revoke_roles(std::string_view user, const std::vector<std::string>& roles) {
  AERO_ADMIN_FUTURE(revoke_roles(user, roles, done_to_promise(std::move(p))));
}
Future<void> Admin::create_role(std::string_view role, const std::vector<PrivilegeGrant>& privileges) {
  AERO_ADMIN_FUTURE(create_role(role, privileges, done_to_promise(std::move(p))));
}
Future<void> Admin::drop_role(std::string_view role) {
  AERO_ADMIN_FUTURE(drop_role(role, done_to_promise(std::move(p))));
}
Future<void> Admin::grant_privileges(std::string_view role,
                                     const std::vector<PrivilegeGrant>& privileges) {
  AERO_ADMIN_FUTURE(grant_privileges(role, privileges, done_to_promise(std::move(p))));
}
Future<void> Admin::revoke_privileges(std::string_view role,
                                      const std::vector<PrivilegeGrant>& privileges) {
  AERO_ADMIN_FUTURE(revoke_privileges(role, privileges, done_to_promise(std::move(p))));
}

#undef AERO_ADMIN_FUTURE

Future<std::vector<UserRoles>> Admin::query_users(std::string_view name) {
  Promise<std::vector<UserRoles>> p;
  auto f = p.future();
  query_users(name, to_promise(std::move(p)));
  return f;
}

Future<std::vector<RolePrivileges>> Admin::query_roles(std::string_view name) {
  Promise<std::vector<RolePrivileges>> p;
  auto f = p.future();
  query_roles(name, to_promise(std::move(p)));
  return f;
}

}  // namespace aero
