import Foundation

/// Where the store lives: Application Support/doorstep-store, with complete file protection
/// (unreadable while the phone is locked) and excluded from iCloud and iTunes backups.
public enum StoreDirectory {
    /// Creates the directory if needed, sets its protection and backup exclusion, returns it.
    /// Files the core creates inside inherit the directory's protection class.
    public static func prepare() throws -> URL {
        let fileManager = FileManager.default
        let support = try fileManager.url(
            for: .applicationSupportDirectory, in: .userDomainMask, appropriateFor: nil, create: true)
        var directory = support.appendingPathComponent("doorstep-store", isDirectory: true)
        try fileManager.createDirectory(
            at: directory, withIntermediateDirectories: true,
            attributes: [.protectionKey: FileProtectionType.complete])
        // Existing directories (and files from an earlier version) get the class set again.
        try fileManager.setAttributes([.protectionKey: FileProtectionType.complete], ofItemAtPath: directory.path)
        for name in try fileManager.contentsOfDirectory(atPath: directory.path) {
            try fileManager.setAttributes(
                [.protectionKey: FileProtectionType.complete],
                ofItemAtPath: directory.appendingPathComponent(name).path)
        }
        var values = URLResourceValues()
        values.isExcludedFromBackup = true
        try directory.setResourceValues(values)
        return directory
    }
}
