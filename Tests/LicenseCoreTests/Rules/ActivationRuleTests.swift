import Foundation
import LicenseCore
import LicenseTestSupport
import Testing

@Suite("Activation rule (DESIGN §7 Activation)")
struct ActivationRuleTests {
    /// The sample package issued a month later, with what a test changes.
    static func update(
        counts: [String: Int] = [:], removing: Set<String> = [], adding: [ModuleLicense] = []
    ) throws
        -> VerifiedPackage
    {
        try Fixtures.verifiedPackage(
            spec: Fixtures.sampleSpec(
                issuedAt: Fixtures.days(31, from: Fixtures.issuedAt), counts: counts, removing: removing, adding: adding))
    }

    @Test("the preview shows current total, in use, new total, added and new free per module")
    func previewNumbers() throws {
        // Given the sample package active with 7 users holding user and 3 holding web
        let seats = [Fixtures.key("user"): 7, Fixtures.key("web"): 3]

        // When a package with user 12 and web 5 is previewed
        let preview = try ActivationRule.preview(
            Self.update(counts: ["user": 12, "web": 5]), current: Fixtures.sampleOwner, seatsInUse: seats)

        // Then every module has its numbers and the package can be activated
        #expect(preview.canBeActivated)
        #expect(preview.reason == nil)
        #expect(preview.previousIssuedAt == Fixtures.issuedAt)
        let user = try #require(preview.modules.first { $0.name == "user" })
        #expect(user.numbers == [10, 7, 12, 2, 5, 0])
        let web = try #require(preview.modules.first { $0.name == "web" })
        #expect(web.numbers == [10, 3, 5, -5, 2, 0])
        #expect(preview.modules.map(\.name) == Fixtures.sampleModules.map(\.name), "in sort order")
    }

    @Test("a first activation adds every module's count")
    func firstActivation() throws {
        let preview = try ActivationRule.preview(Fixtures.verifiedPackage(), current: nil, seatsInUse: [:])

        #expect(preview.canBeActivated)
        #expect(preview.previousIssuedAt == nil)
        for diff in preview.modules {
            let module = try #require(Fixtures.sampleModules.first { $0.name == diff.name })
            #expect(diff.currentTotal == 0 && diff.added == module.count && diff.newFree == module.count)
        }
    }

    @Test("a package whose count is below what is in use cannot be activated, naming how many to remove")
    func countBelowInUse() throws {
        // Given 8 users hold web
        let seats = [Fixtures.key("user"): 8, Fixtures.key("web"): 8]

        // When a package with web 5 is previewed
        let preview = try ActivationRule.preview(
            Self.update(counts: ["web": 5]), current: Fixtures.sampleOwner, seatsInUse: seats)

        // Then it cannot be activated: web must lose 3 holders
        #expect(!preview.canBeActivated)
        #expect(preview.blocking.map(\.name) == ["web"])
        #expect(preview.blocking.first?.mustRemove == 3)
        #expect(preview.reason?.contains("superoffice.web needs 3 fewer holders (8 in use, 5 in the package)") == true)
    }

    @Test("an unrestricted module in use beyond its new count does not block")
    func unrestrictedDoesNotBlock() throws {
        let seats = [Fixtures.key("visible-for"): 6]

        let preview = try ActivationRule.preview(Self.update(), current: Fixtures.sampleOwner, seatsInUse: seats)

        #expect(preview.canBeActivated)
        let diff = try #require(preview.modules.first { $0.name == "visible-for" })
        #expect(diff.mustRemove == 0 && diff.newFree == 0 && diff.inUse == 6)
    }

    @Test("a module the new package drops while it is in use must be removed from its holders")
    func droppedModuleInUse() throws {
        // Given 4 users hold windows; the new package has no windows (nor the plan that grants it)
        let seats = [Fixtures.key("windows"): 4]

        // When previewed
        let preview = try ActivationRule.preview(
            Self.update(removing: ["windows", "service-premium"]), current: Fixtures.sampleOwner, seatsInUse: seats)

        // Then windows blocks with all 4 holders to remove
        #expect(!preview.canBeActivated)
        let windows = try #require(preview.modules.first { $0.name == "windows" })
        #expect(windows.newTotal == 0 && windows.mustRemove == 4 && windows.added == -10)
        #expect(preview.blocking.map(\.name) == ["windows"])
        #expect(preview.modules.contains { $0.name == "service-premium" && $0.mustRemove == 0 }, "unused: no block")
    }

    @Test("a module whose type changes keeps no seats for its holders")
    func typeChangeKeepsNoHolders() throws {
        // Given 2 users hold visible-for; the new package makes it a site license
        var spec = Fixtures.sampleSpec(issuedAt: Fixtures.days(31, from: Fixtures.issuedAt))
        spec.modules = spec.modules.map { module in
            var module = module
            if module.name == "visible-for" { module.type = .site }
            return module
        }
        let package = try Fixtures.verifiedPackage(spec: spec)

        let preview = try ActivationRule.preview(
            package, current: Fixtures.sampleOwner, seatsInUse: [Fixtures.key("visible-for"): 2])

        #expect(preview.blocking.map(\.name) == ["visible-for"])
        #expect(preview.blocking.first?.mustRemove == 2)
    }

    @Test("a package not newer than the active one is refused", arguments: [0, -1, -365])
    func notNewerRefused(daysAfterActive: Int) throws {
        // Given the sample package is active
        let package = try Fixtures.verifiedPackage(
            spec: Fixtures.sampleSpec(issuedAt: Fixtures.days(daysAfterActive, from: Fixtures.issuedAt)))

        // When a package issued at the same time or earlier is previewed
        let refusal = #expect(throws: LicenseRefusal.self) {
            try ActivationRule.preview(package, current: Fixtures.sampleOwner, seatsInUse: [:])
        }

        // Then it is refused: no rollback
        #expect(refusal?.code == .notNewer)
        #expect(refusal?.message.contains("SUPEROFFICE") == true)
    }
}

extension ModuleDiff {
    /// currentTotal, inUse, newTotal, added, newFree, mustRemove: the preview's columns.
    fileprivate var numbers: [Int] { [currentTotal, inUse, newTotal, added, newFree, mustRemove] }
}
