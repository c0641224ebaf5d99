import Foundation

/// Where the store lives: Application Support/doorstep-store, excluded from iCloud and iTunes
/// backups, with a file protection class chosen by the app:
/// - `.complete`: unreadable whenever the phone is locked; sync only while the app is open.
/// - `.completeUntilFirstUserAuthentication`: readable from the first unlock after a restart, so
///   a background task can sync while the phone is locked (the records stay sealed under the data
///   key either way). See ios/README.md for the trade-off.
public enum StoreDirectory {
    /// Creates the directory if needed, sets its protection (and that of the files already in
    /// it) and its backup exclusion, and returns it. Files the core creates later inherit the
    /// directory's class.
    public static func prepare(protection: FileProtectionType = .complete) throws -> URL {
        let fileManager = FileManager.default
        let support = try fileManager.url(
            for: .applicationSupportDirectory, in: .userDomainMask, appropriateFor: nil, create: true)
        var directory = support.appendingPathComponent("doorstep-store", isDirectory: true)
        try fileManager.createDirectory(
            at: directory, withIntermediateDirectories: true,
            attributes: [.protectionKey: protection])
        // Existing directories (and files from an earlier version or setting) get the class set again.
        try fileManager.setAttributes([.protectionKey: protection], ofItemAtPath: directory.path)
        for name in try fileManager.contentsOfDirectory(atPath: directory.path) {
            try fileManager.setAttributes(
                [.protectionKey: protection],
                ofItemAtPath: directory.appendingPathComponent(name).path)
        }
        var values = URLResourceValues()
        values.isExcludedFromBackup = true
        try directory.setResourceValues(values)
        return directory
    }
}
