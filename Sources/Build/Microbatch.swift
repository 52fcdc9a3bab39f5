import Foundation
import Project

/// dbt 1.9's `incremental_strategy: microbatch`: the model runs once per batch of `batch_size`
/// (hour, day, month, year) over its `event_time`, each batch its own transaction, with its inputs
/// that declare an `event_time` filtered to the batch. The first build (and `--full-refresh`) runs
/// from `begin`; later ones from `lookback` batches before the current one; both up to the end of
/// the current batch. `--event-time-start` / `--event-time-end` pick the batches instead.
/// On PostgreSQL each batch is merged on `unique_key`, as dbt-postgres does.
public struct MicrobatchPlan: Equatable, Sendable {
    public enum Size: String, Sendable { case hour, day, month, year }
    public let size: Size
    public let batches: [Batch]

    public struct Batch: Equatable, Sendable {
        public let start: Date
        public let end: Date
        /// dbt's rendering of a batch bound: `2025-01-01 00:00:00+00:00`.
        public var startText: String { MicrobatchPlan.text(start) }
        public var endText: String { MicrobatchPlan.text(end) }
    }

    /// The batches to run now. `existing`: the table is there and this is not a full refresh.
    public init(config: NodeConfig, file: String, existing: Bool, now: Date, eventTimeStart: String? = nil,
                eventTimeEnd: String? = nil) throws {
        func error(_ message: String) -> ProjectError { ProjectError(file: file, message: "microbatch: \(message)") }
        guard config["event_time"]?.stringValue?.isEmpty == false else { throw error("`event_time` (the model's time column) is required") }
        guard let sizeText = config["batch_size"]?.stringValue, let size = Size(rawValue: sizeText.lowercased()) else {
            throw error("`batch_size` is hour, day, month or year, not '\(config["batch_size"]?.displayString ?? "none")'")
        }
        self.size = size
        let lookback = config["lookback"]?.intValue ?? 1
        guard lookback >= 0 else { throw error("`lookback` is a number of batches, 0 or more") }
        var start: Date
        if let text = eventTimeStart {
            guard let date = Self.parse(text) else { throw error("--event-time-start '\(text)' is not a date or timestamp") }
            start = Self.truncate(date, size)
        } else if existing {
            start = Self.add(Self.truncate(now, size), -lookback, size)
        } else {
            guard let text = config["begin"]?.stringValue ?? config["begin"]?.displayString, config["begin"]?.isNone == false,
                  let date = Self.parse(text) else {
                throw error("`begin` (where the first build starts, such as '2024-01-01') is required")
            }
            start = Self.truncate(date, size)
        }
        var end = Self.add(Self.truncate(now, size), 1, size)
        if let text = eventTimeEnd {
            guard let date = Self.parse(text) else { throw error("--event-time-end '\(text)' is not a date or timestamp") }
            end = date
        }
        var batches: [Batch] = []
        while start < end {
            let next = min(Self.add(start, 1, size), end)
            batches.append(Batch(start: start, end: next))
            start = next
            if batches.count > 100_000 { throw error("more than 100,000 batches of one \(size.rawValue); choose a larger batch_size or a later begin") }
        }
        self.batches = batches
    }

    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    static func truncate(_ date: Date, _ size: Size) -> Date {
        let parts: Set<Calendar.Component> = switch size {
        case .hour: [.year, .month, .day, .hour]
        case .day: [.year, .month, .day]
        case .month: [.year, .month]
        case .year: [.year]
        }
        return utc.date(from: utc.dateComponents(parts, from: date))!
    }

    static func add(_ date: Date, _ count: Int, _ size: Size) -> Date {
        let component: Calendar.Component = switch size { case .hour: .hour; case .day: .day; case .month: .month; case .year: .year }
        return utc.date(byAdding: component, value: count, to: date)!
    }

    /// `2024-01-01`, `2024-01-01 12:00:00`, `2024-01-01T12:00:00` (UTC).
    static func parse(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "T", with: " ")
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        for format in ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: String(trimmed.prefix(format.count))) { return date }
        }
        return nil
    }

    static func text(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: date) + "+00:00"
    }
}
