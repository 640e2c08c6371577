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

struct PrivilegeGrant {
  Privilege code = Privilege::read;
  std::string ns;   // empty: every namespace (admin privileges: must be empty)
  std::string set;  // empty: every set of `ns`
  friend bool operator==(const PrivilegeGrant&, const PrivilegeGrant&) = default;
};

struct UserRoles {
  std::string name;
  std::vector<std::string> roles;
};

struct RolePrivileges {
  std::string name;
  std::vector<PrivilegeGrant> privileges;
};

class Admin {
 public:
  using Done = UniqueFunction<void(Status)>;
  explicit Admin(Client& client, Policy policy = {}) : client_(client), policy_(policy) {}

  // Users. Passwords are sent as their bcrypt credential, never in clear.
  void create_user(std::string_view user, std::string_view password,
                   const std::vector<std::string>& roles, Done cb);
  void drop_user(std::string_view user, Done cb);
  void set_password(std::string_view user, std::string_view password, Done cb);
  // The user's own password, proved by the old one.
  void change_password(std::string_view user, std::string_view old_password,
                       std::string_view new_password, Done cb);
  void grant_roles(std::string_view user, const std::vector<std::string>& roles, Done cb);
  void revoke_roles(std::string_view user, const std::vector<std::string>& roles, Done cb);

  // Roles.
  void create_role(std::string_view role, const std::vector<PrivilegeGrant>& privileges, Done cb);
  void drop_role(std::string_view role, Done cb);
  void grant_privileges(std::string_view role, const std::vector<PrivilegeGrant>& privileges, Done cb);
  void revoke_privileges(std::string_view role, const std::vector<PrivilegeGrant>& privileges, Done cb);

  // Queries: every user (role), or one (`name` non-empty; unknown: 60 / 70).
  void query_users(std::string_view name, UniqueFunction<void(Result<std::vector<UserRoles>>)> cb);
  void query_roles(std::string_view name, UniqueFunction<void(Result<std::vector<RolePrivileges>>)> cb);

  // Future styles of the same.
  Future<void> create_user(std::string_view user, std::string_view password,
                           const std::vector<std::string>& roles);
  Future<void> drop_user(std::string_view user);
  Future<void> set_password(std::string_view user, std::string_view password);
  Future<void> change_password(std::string_view user, std::string_view old_password,
                               std::string_view new_password);
  Future<void> grant_roles(std::string_view user, const std::vector<std::string>& roles);
  Future<void> revoke_roles(std::string_view user, const std::vector<std::string>& roles);
  Future<void> create_role(std::string_view role, const std::vector<PrivilegeGrant>& privileges);
  Future<void> drop_role(std::string_view role);
  Future<void> grant_privileges(std::string_view role, const std::vector<PrivilegeGrant>& privileges);
  Future<void> revoke_privileges(std::string_view role, const std::vector<PrivilegeGrant>& privileges);
  Future<std::vector<UserRoles>> query_users(std::string_view name = {});
  Future<std::vector<RolePrivileges>> query_roles(std::string_view name = {});

 private:
  Client& client_;
  Policy policy_;
};

}  // namespace aero
