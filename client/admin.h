// User and role administration on a cluster with security enabled (Enterprise): create and
// drop users, set or change passwords, grant and revoke roles, create and drop roles with
// privileges, query users and roles. Each call is one admin message to one node (the server
// spreads the change to the cluster), on a connection authenticated as ClientConfig::user,
// who needs the user-admin role (changing one's own password needs none).
//
//   aero::Admin admin(*client);
//   admin.create_user("app", "secret", {"read-write"}).get();
//   admin.create_role("writer-demo", {{aero::Privilege::write, "test", "demo"}}).get();
//   auto users = admin.query_users().get();
//
// Failures carry the server's code: 60 invalid user, 61 user exists, 62 invalid password,
// 70 invalid role, 71 role exists, 72 invalid privilege, 80 not authenticated, 81 role
// violation (names in client/status.h, result::...).
//
// Threads: any thread may call these; callbacks run on the completion executor (as the
// commands in client.h). The Client must outlive the calls.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "client/future.h"
#include "client/policy.h"
#include "client/status.h"
#include "executor/unique_function.h"

namespace aero {

class Client;

// Privilege codes (the server's; C as_privilege_code). The admin ones are global; the data
// ones may be limited to a namespace, and within it to a set.
enum class Privilege : std::uint8_t {
  user_admin = 0,
  sys_admin = 1,
  data_admin = 2,
  udf_admin = 3,
  sindex_admin = 4,
  read = 10,
  read_write = 11,
  read_write_udf = 12,
  write = 13,
  truncate = 14,
};

// One privilege as granted to a role: the privilege, optionally limited to a namespace and
// a set.
struct PrivilegeGrant {
  // The privilege (sent as its code byte).
  Privilege code = Privilege::read;
  std::string ns;   // empty: every namespace (admin privileges: must be empty)
  std::string set;  // empty: every set of `ns`
  // Equal when code, namespace and set are equal.
  friend bool operator==(const PrivilegeGrant&, const PrivilegeGrant&) = default;
};

// A user as query_users() reports it.
struct UserRoles {
  // The user name.
  std::string name;
  // The roles granted to the user (predefined ones such as read-write, and user-defined).
  std::vector<std::string> roles;
};

// A role as query_roles() reports it.
struct RolePrivileges {
  // The role name.
  std::string name;
  // The privileges the role grants, with their namespace/set scope.
  std::vector<PrivilegeGrant> privileges;
};

// The user and role administration commands (see the top of this file). Cheap to make;
// holds a reference to the Client and a copy of the policy.
class Admin {
 public:
  // Completion of a command that returns nothing: OK, or the server's or client's error.
  using Done = UniqueFunction<void(Status)>;
  // Commands of `client`, each with `policy`'s timeouts and retries.
  explicit Admin(Client& client, Policy policy = {}) : client_(client), policy_(policy) {}

  // Users. Passwords are sent as their bcrypt credential, never in clear.
  // CREATE_USER (1): a new user with `password` and `roles`.
  void create_user(std::string_view user, std::string_view password,
                   const std::vector<std::string>& roles, Done cb);
  // DROP_USER (admin command 2): removes `user`.
  void drop_user(std::string_view user, Done cb);
  // SET_PASSWORD (3): sets `user`'s password (user-admin role; no old password needed).
  void set_password(std::string_view user, std::string_view password, Done cb);
  // CHANGE_PASSWORD (4): the user's own password, proved by the old one.
  void change_password(std::string_view user, std::string_view old_password,
                       std::string_view new_password, Done cb);
  // GRANT_ROLES (5): adds `roles` to `user`'s roles.
  void grant_roles(std::string_view user, const std::vector<std::string>& roles, Done cb);
  // REVOKE_ROLES (6): removes `roles` from `user`'s roles.
  void revoke_roles(std::string_view user, const std::vector<std::string>& roles, Done cb);

  // Roles.
  // CREATE_ROLE (10): a new role granting `privileges`.
  void create_role(std::string_view role, const std::vector<PrivilegeGrant>& privileges, Done cb);
  // DROP_ROLE (11): removes the user-defined `role`.
  void drop_role(std::string_view role, Done cb);
  // GRANT_PRIVILEGES (12): adds `privileges` to the user-defined `role`.
  void grant_privileges(std::string_view role, const std::vector<PrivilegeGrant>& privileges, Done cb);
  // REVOKE_PRIVILEGES (13): removes `privileges` (matched with their scope) from `role`.
  void revoke_privileges(std::string_view role, const std::vector<PrivilegeGrant>& privileges, Done cb);

  // Queries: every user (role), or one (`name` non-empty; unknown: 60 / 70).
  // QUERY_USERS (9): every user, or the one named `name`, with their roles.
  void query_users(std::string_view name, UniqueFunction<void(Result<std::vector<UserRoles>>)> cb);
  // QUERY_ROLES (16): every role, or the one named `name`, with its privileges.
  void query_roles(std::string_view name, UniqueFunction<void(Result<std::vector<RolePrivileges>>)> cb);

  // Future styles of the same.
  Future<void> create_user(std::string_view user, std::string_view password,
                           const std::vector<std::string>& roles);
  // drop_user() as a Future.
  Future<void> drop_user(std::string_view user);
  // set_password() as a Future.
  Future<void> set_password(std::string_view user, std::string_view password);
  // change_password() as a Future.
  Future<void> change_password(std::string_view user, std::string_view old_password,
                               std::string_view new_password);
  // grant_roles() as a Future.
  Future<void> grant_roles(std::string_view user, const std::vector<std::string>& roles);
  // revoke_roles() as a Future.
  Future<void> revoke_roles(std::string_view user, const std::vector<std::string>& roles);
  // create_role() as a Future.
  Future<void> create_role(std::string_view role, const std::vector<PrivilegeGrant>& privileges);
  // drop_role() as a Future.
  Future<void> drop_role(std::string_view role);
  // grant_privileges() as a Future.
  Future<void> grant_privileges(std::string_view role, const std::vector<PrivilegeGrant>& privileges);
  // revoke_privileges() as a Future.
  Future<void> revoke_privileges(std::string_view role, const std::vector<PrivilegeGrant>& privileges);
  // query_users() as a Future; an empty `name` lists every user.
  Future<std::vector<UserRoles>> query_users(std::string_view name = {});
  // query_roles() as a Future; an empty `name` lists every role.
  Future<std::vector<RolePrivileges>> query_roles(std::string_view name = {});

 private:
  Client& client_;
  Policy policy_;
};

}  // namespace aero
