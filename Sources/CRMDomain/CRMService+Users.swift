extension CRMService {
    /// A page of users by name (`user.manage`).
    public func listUsers(_ page: PageRequest = PageRequest(), by caller: Caller) async throws -> Page<UserProfile> {
        try await self.readPage(page, needing: .userManage, by: caller) { limit, offset in
            try await self.store.users(limit: limit, offset: offset)
        }
    }

    /// One user (`user.manage`).
    public func user(named name: String, by caller: Caller) async throws -> UserProfile {
        try self.authorize(caller, .userManage)
        let name = try Validation.loginName(name)
        guard let user = try await self.store.user(named: name) else { throw CRMError.notFound(entity: "user/\(name)") }
        return user
    }

    /// Adds a user (`user.manage`); a name already taken is a conflict.
    public func createUser(_ input: NewUser, by caller: Caller) async throws -> UserProfile {
        try self.authorize(caller, .userManage)
        let name = try Validation.newUserName(input.name)
        let displayName = try input.displayName.map { try Validation.displayName($0) } ?? name
        let clock = self.clock
        return try await self.store.insertUser(named: name) { existing in
            guard existing == nil else {
                throw CRMError.conflict(entity: "user/\(name)", reason: .alreadyExists)
            }
            let now = clock.now()
            let user = UserProfile(name: name, displayName: displayName, role: input.role, createdAt: now)
            let changes: [String: FieldChange] = [
                "name": FieldChange(.null, .string(name)), "role": FieldChange(.null, .string(input.role.rawValue)),
                "display_name": FieldChange(.null, .string(displayName)),
            ]
            return Recorded(user, audit: self.record("user.create", "user/\(name)", changes, caller, now))
        }
    }

    /// Changes a user's role, display name or disabled flag (`user.manage`). Disabling stops every token of the
    /// user at once; nobody may disable themselves or change their own role. A request that changes nothing
    /// succeeds and records nothing.
    public func updateUser(named name: String, _ input: UserChanges, by caller: Caller) async throws -> UserProfile {
        try self.authorize(caller, .userManage)
        let name = try Validation.loginName(name)
        let displayName = try input.displayName.map { try Validation.displayName($0) }
        let clock = self.clock
        return try await self.store.updateUser(named: name) { user in
            var updated = user
            var changes: [String: FieldChange] = [:]
            if let role = input.role, role != user.role {
                changes["role"] = FieldChange(.string(user.role.rawValue), .string(role.rawValue))
                updated.role = role
            }
            if let displayName, displayName != user.displayName {
                changes["display_name"] = FieldChange(.string(user.displayName), .string(displayName))
                updated.displayName = displayName
            }
            if let disabled = input.disabled, disabled != user.disabled {
                changes["disabled"] = FieldChange(.string(String(user.disabled)), .string(String(disabled)))
                updated.disabled = disabled
            }
            if name == caller.principal.name, changes["role"] != nil || updated.disabled {
                throw CRMError.validation(
                    field: changes["role"] != nil ? "role" : "disabled",
                    reason: "you cannot change your own role or disable yourself; ask another admin")
            }
            guard !changes.isEmpty else { return nil }
            let now = clock.now()
            return Recorded(updated, audit: self.record("user.update", "user/\(name)", changes, caller, now))
        }
    }

    /// Throws a validation error of `field` unless `name` is an enabled user.
    func requireEnabledUser(_ name: String, field: String) async throws {
        guard let user = try await self.store.user(named: name) else {
            throw CRMError.validation(field: field, reason: "unknown user '\(InputRules.shown(name))'")
        }
        guard !user.disabled else {
            throw CRMError.validation(field: field, reason: "user '\(name)' is disabled")
        }
    }
}
