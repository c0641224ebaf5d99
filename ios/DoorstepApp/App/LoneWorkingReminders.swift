import Doorstep
import UserNotifications

/// The phone's own lone-working reminder: a local notification at the core's amber time
/// (`CheckInView.amberAtMillis`) with the core's `reminder` text, which names no one (it shows on
/// a lock screen). Cancelled on check-out.
enum LoneWorkingReminders {
    /// Schedules the reminder for a check-in (replacing any for the same visit). Asks for
    /// permission the first time; checking in has already happened either way.
    static func schedule(_ checkIn: CheckInView) async {
        let center = UNUserNotificationCenter.current()
        guard (try? await center.requestAuthorization(options: [.alert, .sound])) == true else { return }
        let content = UNMutableNotificationContent()
        content.title = "Doorstep"
        content.body = checkIn.reminder
        content.sound = .default
        let seconds = Double(checkIn.amberAtMillis) / 1000 - Date().timeIntervalSince1970
        let trigger = UNTimeIntervalNotificationTrigger(timeInterval: max(1, seconds), repeats: false)
        let request = UNNotificationRequest(
            identifier: identifier(checkIn.visitId), content: content, trigger: trigger)
        try? await center.add(request)
    }

    /// Cancels a visit's reminder (checked out), and removes it if already shown.
    static func cancel(visitId: String) {
        let center = UNUserNotificationCenter.current()
        center.removePendingNotificationRequests(withIdentifiers: [identifier(visitId)])
        center.removeDeliveredNotifications(withIdentifiers: [identifier(visitId)])
    }

    /// One reminder per visit; the visit id is opaque (nothing identifying).
    private static func identifier(_ visitId: String) -> String { "lone-working.\(visitId)" }
}
